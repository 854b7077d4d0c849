// The XML and JSON examples of Concur's callout seed page, as copied into test/fixtures.
const fs = require('node:fs');
const path = require('node:path');

const fixture = (name) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8').trim();

const xmlExample = fixture('callout-notifications.xml');
const jsonExample = fixture('callout-notifications.json');

module.exports = { xmlExample, jsonExample };
