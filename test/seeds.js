// The XML and JSON examples of the callout seed page, read from ../shared beside the project.
const fs = require('node:fs');
const path = require('node:path');

const seed = fs.readFileSync(path.join(__dirname, '../../shared/seeds/callout-get-notifications-by-status-v1.md'), 'utf8');

const xmlExample = seed.slice(seed.indexOf('<?xml'), seed.indexOf('</NotificationList>') + '</NotificationList>'.length);
const jsonStart = seed.indexOf('[', seed.indexOf('JSON Example of Successful Response'));
const jsonExample = seed.slice(jsonStart, seed.lastIndexOf(']') + 1);

module.exports = { xmlExample, jsonExample };
