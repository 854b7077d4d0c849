// A seeded generator, so that a simulator started with the same seed hands out the same ids,
// tokens and fault decisions.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function createRandom(seed) {
	let a = seed >>> 0;
	// mulberry32
	const next = () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n) => Math.floor(next() * n);
	const hex = (length) => Array.from({ length }, () => int(16).toString(16)).join('');
	const text = (length) => Array.from({ length }, () => ALPHABET[int(ALPHABET.length)]).join('');
	return {
		next,
		int,
		text,
		uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`,
		/** Concur's notification and report ids look like `nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s`. */
		concurId: () => `${text(23)}$${text(10)}`,
	};
}

module.exports = { createRandom };
