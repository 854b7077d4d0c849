// Queue-mode tests: a real n8n main + 2 workers with Redis and PostgreSQL, started by the suite.
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/queue/**/*.test.js'],
	maxWorkers: 1,
	testTimeout: 300_000,
};
