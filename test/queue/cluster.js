// A real queue-mode n8n for the queue tests: its own Redis and PostgreSQL, n8n main and two
// `n8n worker` processes (each with its own user folder holding the packed pack), and the
// simulator in a process of its own. Everything lives in one temp folder, logs at debug level
// included, and everything is stopped by `stop()`, or by reaper.js when the test run dies first.
const { randomUUID } = require('node:crypto');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: pause } = require('node:timers/promises');
const { request } = require('undici');
const runtime = require('../../rig/n8nRuntime');
const { startSimulatorProcess } = require('../../rig/simulatorProcess');

const WORKERS = 2;
const WORKER_CONCURRENCY = 10;
const PG_BIN = '/usr/lib/postgresql/15/bin';
const DATABASE = 'n8n';
// PostgreSQL refuses to run as root: as root its commands run as the `postgres` user.
const asRoot = process.getuid() === 0;

async function freePort() {
	const server = net.createServer().listen(0, '127.0.0.1');
	await new Promise((resolve) => server.once('listening', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

function postgres(bin, args) {
	const [command, commandArgs] = asRoot
		? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]]
		: [path.join(PG_BIN, bin), args];
	// stdout/stderr not piped for pg_ctl: the server it starts would keep the pipe open.
	return execFileSync(command, commandArgs, {
		encoding: 'utf8',
		maxBuffer: 1 << 30,
		stdio: ['ignore', bin === 'pg_ctl' ? 'ignore' : 'pipe', 'inherit'],
	});
}

/** Polls `check` until it returns something truthy; fails early when `child` exits. */
async function waitFor(what, check, child, timeoutMs = 180_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child && child.exitCode !== null)
			throw new Error(`${what}: the process exited with code ${child.exitCode}`);
		const result = await check().catch(() => undefined);
		if (result) return result;
		if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs / 1000} s`);
		await pause(250);
	}
}

const answers = async (url) => {
	const { statusCode, body } = await request(url);
	await body.dump();
	return statusCode === 200;
};

/** `env`: more settings for every n8n process (main and workers alike). */
async function startCluster(env = {}) {
	runtime.ensureN8n();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-queue-'));
	fs.chmodSync(tmp, 0o755);
	const logs = path.join(tmp, 'logs');
	fs.mkdirSync(logs, { mode: 0o777 });
	fs.chmodSync(logs, 0o777);
	const children = [];
	let pgData;
	let sim;
	const pidFile = path.join(tmp, 'pids');
	const reaper = spawn(
		process.execPath,
		[path.join(__dirname, 'reaper.js'), String(process.pid), tmp],
		{ detached: true, stdio: 'ignore' },
	);
	reaper.unref();

	/** A long-running process in its own process group (its task runners die with it), output to a log file. */
	function launch(name, command, args, env) {
		const out = fs.openSync(path.join(logs, `${name}.log`), 'a');
		const child = spawn(command, args, { env, detached: true, stdio: ['ignore', out, out] });
		fs.closeSync(out);
		children.push({ name, child });
		fs.appendFileSync(pidFile, `${child.pid}\n`);
		return child;
	}

	const killGroup = (child, signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			// already gone
		}
	};

	async function stop() {
		// Workers first (they report to main), then main, then what they use.
		for (const { child } of [...children].reverse()) {
			if (child.exitCode !== null || child.signalCode !== null) continue;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			killGroup(child, 'SIGTERM');
			if (!(await Promise.race([exited.then(() => true), pause(20_000, false, { ref: false })]))) {
				killGroup(child, 'SIGKILL');
				await exited;
			}
		}
		if (pgData && fs.existsSync(path.join(pgData, 'postmaster.pid')))
			postgres('pg_ctl', ['-D', pgData, '-m', 'fast', '-w', 'stop']);
		await sim?.close();
		reaper.kill();
		fs.rmSync(tmp, { recursive: true, force: true });
	}

	try {
		sim = await startSimulatorProcess();
		fs.appendFileSync(pidFile, `${sim.pid}\n`);
		await sim.reset(1, {});

		const redisPort = await freePort();
		const redis = launch('redis', 'redis-server', [
			'--port',
			String(redisPort),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			tmp,
			'--rdbcompression',
			'no',
		]);
		await waitFor(
			'Redis',
			async () =>
				execFileSync('redis-cli', ['-p', String(redisPort), 'ping'], {
					encoding: 'utf8',
					stdio: ['ignore', 'pipe', 'ignore'],
				}).trim() === 'PONG',
			redis,
		);

		pgData = path.join(tmp, 'pg');
		const pgSockets = path.join(tmp, 'pg-sockets');
		for (const dir of [pgData, pgSockets]) {
			fs.mkdirSync(dir, { mode: 0o700 });
			if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
		}
		const pgPort = await freePort();
		postgres('initdb', ['-D', pgData, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
		const pgOptions = `-p ${pgPort} -k ${pgSockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
		postgres('pg_ctl', [
			'-D',
			pgData,
			'-l',
			path.join(logs, 'postgresql.log'),
			'-o',
			pgOptions,
			'-w',
			'-t',
			'120',
			'start',
		]);
		postgres('createdb', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', DATABASE]);

		const shared = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: DATABASE,
			DB_POSTGRESDB_USER: 'postgres',
			N8N_LOG_LEVEL: 'debug',
			...env,
		};
		const userFolder = (name) => {
			const folder = path.join(tmp, name);
			fs.mkdirSync(folder);
			runtime.installPack(folder);
			return folder;
		};

		// Main first: it creates the database schema the workers need.
		const mainPort = await freePort();
		const main = launch(
			'main',
			runtime.node24,
			[runtime.n8nBin, 'start'],
			runtime.n8nEnv(userFolder('main'), mainPort, {
				...shared,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				// The URL a webhook trigger subscribes (Concur Event Trigger): main's own loopback address.
				N8N_WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
			}),
		);
		const url = `http://127.0.0.1:${mainPort}`;
		await waitFor('n8n main', () => answers(`${url}/healthz/readiness`), main);
		// The REST routes come after /healthz: the login answers 404 for a while.
		const cookie = await waitFor('n8n main login', () => runtime.ownerSession(url), main);
		const key = await runtime.apiKey(url, cookie);

		const workers = [];
		for (let index = 1; index <= WORKERS; index++) {
			const healthPort = await freePort();
			const env = runtime.n8nEnv(userFolder(`worker-${index}`), await freePort(), {
				...shared,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
			const child = launch(
				`worker-${index}`,
				runtime.node24,
				[runtime.n8nBin, 'worker', `--concurrency=${WORKER_CONCURRENCY}`],
				env,
			);
			workers.push({
				name: `worker-${index}`,
				child,
				health: `http://127.0.0.1:${healthPort}/healthz/readiness`,
			});
		}
		await Promise.all(workers.map((w) => waitFor(w.name, () => answers(w.health), w.child)));

		return {
			url,
			sim,
			workers: WORKERS,
			/** n8n's public API; throws on anything but 2xx. */
			api: runtime.publicApi(url, key),
			/** n8n's internal REST API as the editor calls it (the owner's session); its `data`, or throws. */
			async rest(method, route, body) {
				const response = await request(`${url}/rest${route}`, {
					method,
					headers: { cookie, 'content-type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await response.body.text();
				if (response.statusCode >= 300)
					throw new Error(`${method} /rest${route}: ${response.statusCode} ${text.slice(0, 300)}`);
				return JSON.parse(text).data;
			},
			/**
			 * A workflow's executions as n8n's database holds them. Not n8n's API: it leaves out the
			 * executions main still counts as running, and main misses the end of a job a worker
			 * finished before main waited for it (see notifyScenario.js).
			 */
			executions(workflowId) {
				if (!/^\w+$/.test(workflowId)) throw new Error(`not a workflow id: ${workflowId}`);
				const sql = `SELECT id, status FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`;
				const out = postgres('psql', [
					'-h',
					'127.0.0.1',
					'-p',
					String(pgPort),
					'-U',
					'postgres',
					'-d',
					DATABASE,
					'-At',
					'-F',
					' ',
					'-c',
					sql,
				]);
				return out
					.split('\n')
					.filter(Boolean)
					.map((line) => {
						const [id, status] = line.split(' ');
						return { id, status };
					});
			},
			/** Execution id → the worker that ran it, from the workers' logs ("Worker started execution 12 (job 3)"). */
			executionsByWorker() {
				const ranOn = new Map();
				for (const { name } of workers) {
					const log = fs.readFileSync(path.join(logs, `${name}.log`), 'utf8');
					for (const [, id] of log.matchAll(/Worker started execution (\d+)/g)) ranOn.set(id, name);
				}
				return ranOn;
			},
			/** Bull's waiting and active jobs (n8n's queue "jobs", prefix "bull"). */
			jobCounts() {
				const length = (list) =>
					Number(
						execFileSync('redis-cli', ['-p', String(redisPort), 'LLEN', `bull:jobs:${list}`], {
							encoding: 'utf8',
						}).trim(),
					);
				return { waiting: length('wait'), active: length('active') };
			},
			/** Execution ids a worker's log says it started and finished. */
			workerLog(name) {
				const log = fs.readFileSync(path.join(logs, `${name}.log`), 'utf8');
				const ids = (verb) =>
					[...log.matchAll(new RegExp(`Worker ${verb} execution (\\d+)`, 'g'))].map(([, id]) => id);
				return { started: ids('started'), finished: ids('finished') };
			},
			/** SIGKILLs a worker (its task runners too) and resolves once it has exited. */
			async killWorker(name) {
				const { child } = workers.find((w) => w.name === name);
				const exited = new Promise((resolve) => child.once('exit', resolve));
				killGroup(child, 'SIGKILL');
				await exited;
			},
			/** What a secret could have leaked into: the database, Redis's data, every process's log. */
			stores() {
				execFileSync('redis-cli', ['-p', String(redisPort), 'save'], { stdio: 'ignore' });
				const texts = [
					{
						source: 'PostgreSQL (pg_dump)',
						text: postgres('pg_dump', [
							'-h',
							'127.0.0.1',
							'-p',
							String(pgPort),
							'-U',
							'postgres',
							DATABASE,
						]),
					},
					{
						source: 'Redis (dump.rdb, uncompressed)',
						text: fs.readFileSync(path.join(tmp, 'dump.rdb'), 'latin1'),
					},
				];
				for (const name of fs.readdirSync(logs))
					texts.push({
						source: `logs/${name}`,
						text: fs.readFileSync(path.join(logs, name), 'utf8'),
					});
				return texts;
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** A workflow node for the public API: `x` its place on the canvas, `extra` e.g. its credentials. */
const workflowNode = (name, type, typeVersion, x, parameters, extra = {}) => ({
	id: randomUUID(),
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
	...extra,
});

module.exports = { startCluster, waitFor, workflowNode };
