import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

/** Whether a raw parameter value holds an n8n expression anywhere (a string starting with "="). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (typeof value === 'object' && value !== null)
		return Object.values(value).some(holdsExpression);
	return false;
}

export type ParameterReader = (name: string, itemIndex: number, fallback: unknown) => unknown;

type Reading = { perItem: true } | { perItem: false; value: NodeParameterValueType | object };

/**
 * Reads a parameter per item as getNodeParameter does, but a value without an expression only
 * once: it is the same for every item, and each read goes through n8n's resolving and checking
 * again. An expression is resolved per item, as it must be. A read that throws is not kept, so
 * every item still reports it with its own index.
 */
export function parameterReader(ctx: IExecuteFunctions): ParameterReader {
	const readings = new Map<string, Reading>();
	return (name, itemIndex, fallback) => {
		let reading = readings.get(name);
		if (!reading) {
			const raw = ctx.getNodeParameter(name, itemIndex, fallback, { rawExpressions: true });
			reading = holdsExpression(raw)
				? { perItem: true }
				: { perItem: false, value: ctx.getNodeParameter(name, itemIndex, fallback) };
			readings.set(name, reading);
		}
		return reading.perItem ? ctx.getNodeParameter(name, itemIndex, fallback) : reading.value;
	};
}
