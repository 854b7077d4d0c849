// End-to-end tests: a real n8n (installed once into a cache folder) runs the packed pack.
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/e2e/**/*.test.js'],
	maxWorkers: 1,
};
