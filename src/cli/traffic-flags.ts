import { Option, type Command } from 'commander';
import { PROTOCOLS } from '../traffic/grpc/grpc-settings.js';

/** TrafficDefaults are the per-command defaults of the shared traffic flags. */
export interface TrafficDefaults {
  freshPercent: number;
  /** durationMs adds `--duration` with this default; rollout commands leave it out (the rollout decides how long). */
  durationMs?: number;
}


/** addTrafficOptions adds the traffic flags shared by load/local/run/demo/scenario to `cmd`. */
export function addTrafficOptions(cmd: Command, defaults: TrafficDefaults): Command {
  cmd.option(
    '-r, --rate <n>',
    'requests per second, open model (sent on schedule even when the server is slow)',
    '100',
  );
  if (defaults.durationMs !== undefined) {
    cmd.option(
      '-d, --duration <time>',
      'how long to send after the warm-up (500ms, 30s, 2m)',
      `${defaults.durationMs / 1000}s`,
    );
  }
  return cmd
    .option('--warmup <time>', 'traffic before recording starts, not counted (JIT warm-up)', '2s')
    .option(
      '-c, --connections <n>',
      'long-lived keep-alive connections, in total, split across workers (default: 10, or as many as the rate needs at the latency the target shows before the traffic starts)',
    )
    .option('--no-keepalive', 'send every request on a new connection')
    .option(
      '--fresh-connections <pct>',
      'share of the rate sent each on a new connection (separate pool)',
      String(defaults.freshPercent),
    )
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option(
      '-H, --header <header>',
      'request header "Name: value" (repeatable)',
      collect,
      [] as string[],
    )
    .option('--body <text>', 'request body')
    .option('--body-file <path>', 'request body read from a file')
    .option('--timeout <time>', 'limit for connect, for headers and for body (each)', '5s')
    .option(
      '--max-in-flight <n>',
      'cap on outstanding requests; the excess is counted as dropped (default: rate x timeout, at least 1000)',
    )
    .option('--pod-header <name>', 'response header that names the pod that answered', 'x-pod-name')
    .option('--mix <list>', 'request mix: methods and shares, a path each optional, e.g. GET=80,POST=20 or GET:/items=80,POST:/orders=20 (overrides --method)')
    .option('--ca-cert <file>', 'trust this CA (PEM) for an https:// target, e.g. an internal CA')
    .option('--insecure', 'https:// without certificate or name checks')
    .option('--resolve <host:port:addr>', "connect to ADDR for HOST:PORT, sending SNI and Host for HOST (as curl's --resolve)")
    .addOption(new Option('--workers <n>', 'worker threads, each sending rate/N').default('1'))
    .addOption(
      new Option(
        '--client <name>',
        'HTTP client: lean (net.Socket, least CPU), undici (the HTTP/1.1 reference) or node (node:http2, the HTTP/2 reference)',
      )
        .choices(['lean', 'undici', 'node'])
        .default('lean'),
    )
    .addOption(
      new Option(
        '--protocol <name>',
        'what goes on the wire: http1, h2 (HTTP/2 over TLS, an https:// URL), h2c (HTTP/2 cleartext, prior knowledge), grpc (unary gRPC; TLS for an https:// URL)',
      )
        .choices([...PROTOCOLS])
        .default('http1'),
    )
    .option('--grpc-method <pkg.Service/Method>', 'the gRPC method to call (default grpc.health.v1.Health/Check)')
    .option('--grpc-data <json>', 'the request message as JSON (with --proto, except the health check\'s {"service": "name"})')
    .option('--proto <file>', 'the .proto file that defines --grpc-method and its messages')
    .option('--grpc-metadata <key=value>', 'gRPC metadata sent with every call (repeatable)', collect, [] as string[]);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

