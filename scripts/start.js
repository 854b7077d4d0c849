// npm start: n8n in the browser with this pack installed as a community package, the Concur
// simulator with a seeded queue, a credential pointing at it and the example workflows.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const {
	OWNER,
	ensureN8n,
	exampleFiles,
	importIntoN8n,
	installPack,
	ownerSession,
	root,
	simulatorCredential,
	startN8n,
} = require('../rig/n8nRuntime');
const { startSimulatorProcess } = require('../rig/simulatorProcess');

const SIM_PORT = Number(process.env.CONCUR_SIM_PORT || 8777);
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const userFolder = path.join(root, '.n8n-dev');

async function main() {
	ensureN8n();
	execFileSync('npm', ['run', 'build', '--silent'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	fs.mkdirSync(userFolder, { recursive: true });
	installPack(userFolder);
	const sim = await startSimulatorProcess({
		port: SIM_PORT,
		secondaryPort: SIM_PORT + 1,
		failed: 5,
	});
	const children = [sim.child];
	const stopAll = async () => {
		await Promise.all(
			children.map((child) =>
				child.exitCode !== null
					? undefined
					: new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')),
			),
		);
		process.exit(0);
	};
	process.on('SIGINT', stopAll);
	process.on('SIGTERM', stopAll);
	try {
		await importIntoN8n(userFolder, N8N_PORT, [simulatorCredential(sim)], exampleFiles());
		const n8n = await startN8n(userFolder, N8N_PORT);
		children.push(n8n.child);
		await ownerSession(n8n.url);
		console.log(`
  n8n with the SAP Concur pack:  ${n8n.url}
  Log in as:                     ${OWNER.email} / ${OWNER.password}
  Concur simulator:              ${sim.url}  (control API: ${sim.url}/_sim/state)
  Example workflows:             ${exampleFiles().length}, using the credential "SAP Concur (simulator)"

  Ctrl-C stops n8n and the simulator.
`);
	} catch (error) {
		console.error(error.message);
		await stopAll();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
