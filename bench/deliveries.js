// What the simulator received, per message: each bench message has a unique sessionId.

/** Delivered once, lost (never delivered) and duplicated (delivered more than once) of `sent` messages. */
function deliveryOutcome(stats, sent) {
	const counts = new Map();
	for (const { sessionId } of stats.messages)
		counts.set(sessionId, (counts.get(sessionId) ?? 0) + 1);
	const times = [...counts.values()];
	const received = stats.messages.map((m) => m.receivedAt);
	return {
		deliveredOnce: times.filter((n) => n === 1).length,
		lost: sent - counts.size,
		duplicated: times.filter((n) => n > 1).length,
		// From the first delivery to the last: the sending, without the node's reading of its items.
		sendingSeconds:
			received.length > 1 ? (Math.max(...received) - Math.min(...received)) / 1000 : 0,
		firstDeliveryAt: received.length > 0 ? Math.min(...received) : undefined,
	};
}

module.exports = { deliveryOutcome };
