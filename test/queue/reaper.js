// Stops a queue cluster whose test run died without stopping it (Ctrl-C, a crash, a kill): jest
// gives a test no SIGINT handler of its own, and the cluster's processes run in groups of their own.
// Usage: node reaper.js <test runner pid> <cluster temp folder>. It reads `<folder>/pids` (one
// process id a line) and `<folder>/pg` (the PostgreSQL data folder) when the runner is gone.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const [runnerPid, folder] = process.argv.slice(2);

const alive = (pid) => {
	try {
		process.kill(Number(pid), 0);
		return true;
	} catch {
		return false;
	}
};

function reap() {
	const pids = fs.existsSync(path.join(folder, 'pids'))
		? fs.readFileSync(path.join(folder, 'pids'), 'utf8').split('\n').filter(Boolean)
		: [];
	for (const pid of pids) {
		// A process group where there is one (n8n and its task runners), else the process.
		for (const target of [-Number(pid), Number(pid)]) {
			try {
				process.kill(target, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	}
	const pgData = path.join(folder, 'pg');
	if (fs.existsSync(path.join(pgData, 'postmaster.pid'))) {
		const pgCtl = ['/usr/lib/postgresql/15/bin/pg_ctl', '-D', pgData, '-m', 'immediate', 'stop'];
		try {
			if (process.getuid() === 0)
				execFileSync('runuser', ['-u', 'postgres', '--', ...pgCtl], { stdio: 'ignore' });
			else execFileSync(pgCtl[0], pgCtl.slice(1), { stdio: 'ignore' });
		} catch {
			// not running
		}
	}
	fs.rmSync(folder, { recursive: true, force: true });
	process.exit(0);
}

// The cluster stops this process itself after a clean stop; otherwise it outlives the runner.
setInterval(() => {
	if (!alive(runnerPid)) reap();
}, 1000);
