// n8n's verification scan, run locally: the rule set @n8n/scan-community-package applies (the Cloud
// rules plus no-console, eslint-disable comments ignored) on the sources and on every file of the
// tarball `npm pack` makes, and a check that the tarball holds only what a package should.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-pack-'));
let failed = false;

function report(label, result) {
	console.log(
		`${result.passed ? 'ok  ' : 'FAIL'} ${label}${result.message ? `: ${result.message}` : ''}`,
	);
	if (result.details) console.log(result.details);
	failed ||= !result.passed;
}

try {
	report('scan of the sources', await analyzePackage(root, SOURCE_FILE_PATTERNS));

	const [{ filename, files }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const unexpected = files
		.map((f) => f.path)
		.filter((p) => !/^(dist\/.+|README\.md|LICENSE|package\.json)$/.test(p));
	report(`tarball contents (${files.length} files)`, {
		passed:
			unexpected.length === 0 &&
			files.some((f) => f.path === 'dist/nodes/shared/vendor/fastXmlParser.js'),
		message: unexpected.length ? `unexpected files: ${unexpected.join(', ')}` : undefined,
	});

	const unpacked = path.join(work, 'package');
	execFileSync('tar', ['-xzf', path.join(work, filename), '-C', work]);
	report('scan of the packed tarball', await analyzePackage(unpacked));
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
