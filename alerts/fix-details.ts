/**
 * The fix details a NEW_VIOLATION alert shows (issue 11), shared by the chat, email and Slack
 * builders: which details an alert is about, which of them fit a channel's budget whole, and
 * the plain words around them. Each builder renders them in its own markup.
 */
import type { Detail } from '../engine/findings';
import { shellWord } from '../fixes/aws-cli';
import { fitWhole } from './limits';
import type { Transition } from './transition';

/** The details one alert shows, and how many of the finding's it leaves out. */
export interface DetailSelection {
  shown: Detail[];
  leftOut: number;
  /** Every detail of the finding: shown + leftOut. 0 means the alert has no details part. */
  total: number;
}

/** A NEW_VIOLATION's details and the finding's count of them; a RESOLVED has nothing left to fix. */
function alertDetails(t: Transition): { details: readonly Detail[]; total: number } {
  if (t.kind !== 'NEW_VIOLATION') return { details: [], total: 0 };
  const details = t.details ?? [];
  const count = t.detailCount;
  const claimed = typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : 0;
  return { details, total: Math.max(details.length, claimed) };
}

/**
 * The details that fit `budget` whole (see limits.ts fitWhole), in the finding's order. When any
 * are left out, the budget also holds the note that says so, costed at its longest.
 */
export function selectDetails(
  t: Transition,
  cost: (detail: Detail) => number | undefined,
  budget: number,
  noteCost: (leftOut: number, total: number) => number,
  maxItems?: number,
): DetailSelection {
  const { details, total } = alertDetails(t);
  if (total === 0) return { shown: [], leftOut: 0, total: 0 };
  const carriedElsewhere = total - details.length;
  if (carriedElsewhere === 0) {
    const all = fitWhole(details, cost, budget, maxItems);
    if (all.leftOut === 0) return { shown: all.shown, leftOut: 0, total };
  }
  const fitted = fitWhole(details, cost, budget - noteCost(total, total), maxItems);
  return { shown: fitted.shown, leftOut: carriedElsewhere + fitted.leftOut, total };
}

/** `resource (type): problem`, the first line of every detail in every channel. */
export function detailHeadline(detail: Detail): string {
  return `${detail.resourceId} (${detail.resourceType}): ${detail.problem}`;
}

/**
 * The CLI commands that print every detail of this rule in this Region with its fix: `fix`
 * writes them as a shell script to review, `check --format json` lists them as data.
 */
export function allDetailsCommands(t: Transition): [fix: string, check: string] {
  const scope = `--region ${shellWord(t.region)} --rules ${shellWord(t.ruleId)}`;
  return [`private-eks-guard fix ${scope}`, `private-eks-guard check ${scope} --format json`];
}

/** The note on details an alert leaves out; the command that lists them follows it. */
export function leftOutSentence(leftOut: number, total: number): string {
  return `Not shown here: ${leftOut} of ${total} detail${total === 1 ? '' : 's'}. All of them, with their fix commands:`;
}

/** A command as inline code when it can be, else as plain text: a command is never altered. */
function commandSpan(command: string): string {
  return command.includes('`') ? command : '`' + command + '`';
}

/**
 * The markdown line on details an alert leaves out, with the two commands that list them all (chat; Slack escapes
 * it, which leaves the backticks alone).
 */
export function leftOutStep(t: Transition, leftOut: number, total: number): string {
  const [fix, check] = allDetailsCommands(t);
  return `${leftOutSentence(leftOut, total)} ${commandSpan(fix)} (a script to review) or ${commandSpan(check)}`;
}

/** Markdown code fences: a command holding one cannot be shown verbatim in a fenced block. */
export const FENCE = '```';

/** Whether every command of a detail can sit in a fenced markdown block as it is. */
export function fencesCleanly(detail: Detail): boolean {
  return detail.fix.commands.every((command) => !command.includes(FENCE));
}
