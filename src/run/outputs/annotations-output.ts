import { formatAnnotations } from '../../report/github-annotations.js';
import type { Output } from './output.js';

/**
 * annotationsOutput prints GitHub Actions annotations (`::error title=<finding id>::…`)
 * to stdout, where the runner reads workflow commands. Not while the dashboard owns the screen.
 */
export function annotationsOutput(): Output {
  return {
    name: 'GitHub annotations',
    finish(run) {
      if (run.screen) return;
      for (const line of formatAnnotations(run.results)) run.io.stdout.write(`${line}\n`);
    },
  };
}
