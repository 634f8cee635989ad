'use strict';
/**
 * Ends the run with the plain "N passed, N failed" line CI reads in any language (jest's own
 * summary says "Tests: N passed, N total", which it does not recognise).
 */
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`;
    // Jest prints "Ran all test suites." after the reporters; the closing line must come last.
    process.once('exit', () => process.stdout.write(`\n${line}`));
  }
}
module.exports = PlainSummaryReporter;
