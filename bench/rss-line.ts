/** The stderr line bench/report-rss.ts writes at exit, and bench/cli.bench.ts reads. */
export const RSS_PREFIX = 'bench: maxRSS KB ';
