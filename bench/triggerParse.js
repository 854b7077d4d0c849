// The trigger's work on a 10,000-entry XML queue (parse, normalize, order, dedupe) against a bare
// fast-xml-parser parse of the same document, in one run.
const { XMLParser } = require('fast-xml-parser');
const {
	parseCalloutNotifications,
	oldestFirst,
} = require('../dist/nodes/shared/calloutNotifications');
const { planPoll } = require('../dist/nodes/ConcurTrigger/pollPlan');

const ENTRIES = 10_000;
const ROUNDS = 7;

function queueXml() {
	const entries = Array.from({ length: ENTRIES }, (_, i) => {
		const id = `n${i.toString(36).padStart(6, '0')}$x${(i * 7919).toString(36)}`;
		const day = String(1 + (i % 28)).padStart(2, '0');
		return `<Notification><Context i:nil="true" /><EventDateTime>2024-03-${day}T10:${String(i % 60).padStart(2, '0')}:00</EventDateTime><EventType>Report Entered Expense Report Workflow Step - REPORT SUBMITTED</EventType><NotificationURI>https://us2.api.concursolutions.com/api/platform/notifications/v1.0/notification/${id}</NotificationURI><ObjectType>EXPRPT</ObjectType><ObjectURI>https://us2.api.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/R${i}</ObjectURI></Notification>`;
	});
	return `<?xml version="1.0" encoding="utf-8"?><NotificationList xmlns="http://www.concursolutions.com/api/notification/2012/06" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${entries.join('')}</NotificationList>`;
}

function median(fn) {
	const times = [];
	let result;
	for (let round = 0; round < ROUNDS; round++) {
		const started = process.hrtime.bigint();
		result = fn();
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	return { ms: times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)], result };
}

async function main() {
	const xml = queueXml();
	// Half the queue was emitted by earlier polls.
	const seeded = parseCalloutNotifications(xml).notifications;
	const state = {
		started: true,
		emitted: Object.fromEntries(seeded.slice(0, ENTRIES / 2).map((n) => [n.id, 1])),
	};
	const bare = median(() => new XMLParser().parse(xml));
	const trigger = median(() => {
		const queue = oldestFirst(parseCalloutNotifications(xml).notifications);
		return planPoll(state, queue, queue, {
			startWith: 'all',
			maxItems: ENTRIES,
			reEmitAfterMs: 0,
			now: 2,
		});
	});
	const stateBytes = Buffer.byteLength(JSON.stringify(trigger.result.next));
	console.log(
		`\nTrigger poll on a ${ENTRIES.toLocaleString('en')}-entry XML queue (${(xml.length / 1e6).toFixed(1)} MB), median of ${ROUNDS}`,
	);
	console.log('| work | time | vs bare parse |');
	console.log('|---|---|---|');
	console.log(`| bare fast-xml-parser parse | ${bare.ms.toFixed(0)} ms | 1.00× |`);
	console.log(
		`| trigger: parse + normalize + order + dedupe | ${trigger.ms.toFixed(0)} ms | ${(trigger.ms / bare.ms).toFixed(2)}× |`,
	);
	console.log(
		`emitted ${trigger.result.due.length.toLocaleString('en')}; state after the poll: ${Object.keys(trigger.result.next.emitted).length.toLocaleString('en')} ids, ${(stateBytes / 1024).toFixed(0)} KiB`,
	);
}

module.exports = Object.assign(main, { queueXml });
