/*
 * Preloaded (`node -r dist/bench/report-rss.js …`) into the processes bench/cli.bench.ts
 * measures: at exit, one stderr line with the process's peak resident set size, so the
 * benchmark needs neither /usr/bin/time nor anything in the CLI itself.
 */
import { RSS_PREFIX } from './rss-line';

process.on('exit', () => {
  process.stderr.write(`${RSS_PREFIX}${process.resourceUsage().maxRSS}\n`);
});
