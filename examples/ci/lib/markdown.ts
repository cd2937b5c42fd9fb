// Text put into Markdown so that nothing in it is read as Markdown or HTML.

/**
 * Text as a Markdown code span, so that no character in it is read as Markdown or HTML: the fence
 * is longer than any run of backticks inside; in a table cell, pipes are escaped (GFM).
 */
export function code(text: string, inTable = false): string {
  const oneLine = text.replace(/\r?\n|\r/g, " ");
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = /^[`\s]|[`\s]$/.test(oneLine) ? ` ${oneLine} ` : oneLine;
  const span = `${fence}${padded}${fence}`;
  return inTable ? span.replace(/\|/g, "\\|") : span;
}

/** Text as a fenced code block (for multi-line messages). */
export function codeBlock(text: string): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence}text\n${text}\n${fence}`;
}
