// Validates JUnit XML against test/report/testdata/junit.xsd with the real xmllint (Debian libxml2-utils).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** JUNIT_XSD is the schema of the JUnit format that Jenkins and GitLab read, as the tests hold rollcheck to it. */
export const JUNIT_XSD = new URL('./testdata/junit.xsd', import.meta.url).pathname;

/** validateJunit runs `xmllint --schema` on `xml`: ok, and what xmllint said. */
export function validateJunit(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rollcheck-junit-'));
  try {
    const file = join(dir, 'junit.xml');
    writeFileSync(file, xml);
    return validateJunitFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** validateJunitFile runs `xmllint --schema` on a file. */
export function validateJunitFile(file: string): { ok: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}
