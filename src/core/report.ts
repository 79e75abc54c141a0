/**
 * The operator's channel: status lines and warnings, one printed line per call ("talentbot: …").
 * Every part of the running bot takes one as `report` (injected by the composition root, which
 * sends them to stderr); none writes to the console itself.
 */
export type Report = (line: string) => void;

/** The default reporter: stderr. */
export const toStderr: Report = (line) => void process.stderr.write(`${line}\n`);
