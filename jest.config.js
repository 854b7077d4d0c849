module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	// The e2e suites need a real n8n: `npm run test:e2e` (jest.e2e.config.js).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
};
