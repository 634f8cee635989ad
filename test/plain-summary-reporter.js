'use strict';
/**
 * Ends the run with the plain "N passed, N failed" line CI reads in any language (jest's own
 * summary says "Tests: N passed, N total", which it does not recognise).
 */
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\n${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = PlainSummaryReporter;
