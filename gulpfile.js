// Build: clean, compile with tsc, bundle fast-xml-parser into dist (the published package has no
// runtime dependencies), copy icons and codex files.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { series, src, dest } = require('gulp');
const esbuild = require('esbuild');

const dist = path.join(__dirname, 'dist');

async function clean() {
	fs.rmSync(dist, { recursive: true, force: true });
}

async function compile() {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
}

/** Replaces the compiled re-export of fast-xml-parser with the library itself. */
async function bundle() {
	const shim = path.join(dist, 'nodes/shared/vendor/fastXmlParser.js');
	await esbuild.build({
		entryPoints: [shim],
		outfile: shim,
		allowOverwrite: true,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		// The readable ES module sources rather than the minified CommonJS build.
		mainFields: ['module', 'main'],
		banner: {
			js: `/*! fast-xml-parser, bundled unchanged.\n${fs.readFileSync(path.join(__dirname, 'node_modules/fast-xml-parser/LICENSE'), 'utf8')}*/`,
		},
		logLevel: 'warning',
	});
}

function icons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

function codex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports.build = series(clean, compile, bundle, icons, codex);
