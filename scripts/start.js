// npm start: n8n in the browser with this pack installed as a community package, the Concur
// simulator with a seeded queue, a credential pointing at it and the example workflows.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const {
	OWNER,
	apiKey,
	ensureN8n,
	exampleFiles,
	importIntoN8n,
	installPack,
	ownerSession,
	publicApi,
	root,
	simulatorCredential,
	startN8n,
} = require('../rig/n8nRuntime');
const { startSimulatorProcess } = require('../rig/simulatorProcess');

const SIM_PORT = Number(process.env.CONCUR_SIM_PORT || 8777);
/** How often the simulator publishes an "expense report submitted" event for the example. */
const EVENT_EVERY_SECONDS = Number(process.env.CONCUR_EVENT_EVERY || 30);
const EVENT_EXAMPLE = 'concurExpenseReportSubmitted';

/**
 * The examples, the event example with the simulator's public key in its signature check (the
 * simulator makes a new key pair at each start).
 */
async function examplesFor(sim, folder) {
	const { publicKey } = await sim.control('GET', '/ess/public-key');
	return exampleFiles().map((file) => {
		const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
		if (workflow.id !== EVENT_EXAMPLE) return file;
		workflow.nodes[0].parameters.publicKeys = publicKey;
		const copy = path.join(folder, path.basename(file));
		fs.writeFileSync(copy, JSON.stringify(workflow));
		return copy;
	});
}

/**
 * The simulator takes n8n's loopback http URL (Concur would not), connects the company at once (as
 * Concur does since 2026-05 for an app that names one company), and publishes events.
 */
async function startEvents(sim, n8nUrl, cookie) {
	await sim.control('PUT', '/config', { ess: { allowHttpEndpoints: true } });
	await sim.control('POST', '/ess/connect-company');
	await publicApi(n8nUrl, await apiKey(n8nUrl, cookie))(
		'POST',
		`/workflows/${EVENT_EXAMPLE}/activate`,
	);
	await sim.control('POST', '/ess/publish-every', {
		seconds: EVENT_EVERY_SECONDS,
		preset: 'submitted',
	});
}
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
		const examples = await examplesFor(sim, userFolder);
		await importIntoN8n(userFolder, N8N_PORT, [simulatorCredential(sim)], examples);
		const n8n = await startN8n(userFolder, N8N_PORT);
		children.push(n8n.child);
		await startEvents(sim, n8n.url, await ownerSession(n8n.url));
		console.log(`
  n8n with the SAP Concur pack:  ${n8n.url}
  Log in as:                     ${OWNER.email} / ${OWNER.password}
  Concur simulator:              ${sim.url}  (control API: ${sim.url}/_sim/state)
  Example workflows:             ${examples.length}, using the credential "SAP Concur (simulator)"
  Concur events:                 "expense report submitted" every ${EVENT_EVERY_SECONDS} s into the active example

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
