// What the simulator received, per message: each bench message has a unique sessionId.

/** Delivered once, lost (never delivered) and duplicated (delivered more than once) of `sent` messages. */
function deliveryOutcome(stats, sent) {
	const counts = new Map();
	for (const { sessionId } of stats.messages) counts.set(sessionId, (counts.get(sessionId) ?? 0) + 1);
	const times = [...counts.values()];
	return { deliveredOnce: times.filter((n) => n === 1).length, lost: sent - counts.size, duplicated: times.filter((n) => n > 1).length };
}

module.exports = { deliveryOutcome };
