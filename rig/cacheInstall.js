// The tools the rig runs but this package must not depend on (n8n, and Verdaccio for the install
// test) are installed once each into their own folder in a cache outside this package, with npm on
// the Node 24 this project provisions (the `node` devDependency).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const nodeBinDir = path.join(root, 'node_modules/node/bin');
/** Node 24's headers: native modules (n8n's sqlite3, isolated-vm) are built against them. */
const nodeHeaders = path.join(
	root,
	`node_modules/node/node_modules/node-${process.platform}-${process.arch}`,
);
const node24 = path.join(nodeBinDir, 'node');

/** This environment with Node 24 first on the PATH, and `extra` added. */
const withNode24 = (extra = {}) => ({
	...process.env,
	PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}`,
	...extra,
});

/** The cache folder of one tool at one version, e.g. `n8n-2.41.1`. */
const cacheFolder = (name) =>
	path.join(
		process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
		'n8n-nodes-sap-concur',
		name,
	);

/**
 * Installs `dependencies` into `folder` unless a finished install is there (its `.ready` file,
 * written last, and `bin`). `--ignore-scripts`: a Kafka module of n8n's builds natively from
 * sources it fetches from the internet; the native modules a tool needs are named in `rebuild`.
 */
function ensureInstalled({ folder, bin, label, dependencies, overrides, rebuild = [] }) {
	const ready = path.join(folder, '.ready');
	if (fs.existsSync(ready) && fs.existsSync(bin)) return;
	process.stderr.write(`[${label}] installing into ${folder} (once; n8n takes about 5 minutes)\n`);
	fs.mkdirSync(folder, { recursive: true });
	fs.writeFileSync(
		path.join(folder, 'package.json'),
		JSON.stringify(
			{ name: `concur-${label}-runtime`, private: true, dependencies, overrides },
			null,
			2,
		),
	);
	const npm = (args) =>
		execFileSync('npm', [...args, '--loglevel=error'], {
			cwd: folder,
			stdio: ['ignore', 'inherit', 'inherit'],
			env: withNode24({ npm_config_nodedir: nodeHeaders }),
		});
	npm(['install', '--ignore-scripts', '--no-audit', '--no-fund']);
	if (rebuild.length) npm(['rebuild', ...rebuild]);
	fs.writeFileSync(ready, new Date().toISOString());
}

module.exports = { root, node24, withNode24, cacheFolder, ensureInstalled };
