import type { IDataObject } from 'n8n-workflow';

/** An ESS delivery's body, as far as the node relies on it. */
export interface ConcurEvent {
	id: string;
	topic: string;
	eventType: string;
	timeStamp?: string;
	correlationId?: string;
	facts: IDataObject;
}

/** Whether a parsed body can be an event at all: anything else can never become valid (400). */
export function asEvent(body: unknown): ConcurEvent | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const b = body as IDataObject;
	if (typeof b.id !== 'string' || !b.id) return undefined;
	if (typeof b.topic !== 'string' || typeof b.eventType !== 'string') return undefined;
	const facts = b.facts && typeof b.facts === 'object' ? (b.facts as IDataObject) : {};
	return { ...(b as unknown as ConcurEvent), facts };
}

/** Where the event points: `facts.href`, else the first of `facts.hrefs`, else `facts.userHref`. */
export function hrefOf(facts: IDataObject): string | undefined {
	const hrefs = Array.isArray(facts.hrefs) ? facts.hrefs : [];
	const href = facts.href ?? hrefs[0] ?? facts.userHref;
	return typeof href === 'string' && href ? href : undefined;
}

/** The output item: the envelope, `href` at the top, and the facts. */
export function eventItem(event: ConcurEvent): IDataObject {
	return {
		id: event.id,
		topic: event.topic,
		eventType: event.eventType,
		timeStamp: event.timeStamp ?? null,
		correlationId: event.correlationId ?? null,
		href: hrefOf(event.facts) ?? null,
		facts: event.facts,
	};
}
