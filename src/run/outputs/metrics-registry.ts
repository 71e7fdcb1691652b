import { Counter, Gauge, Registry } from 'prom-client';
import type { Histogram } from '../../results/histogram.js';
import { POD_STATES, type MetricFigures } from './metrics-figures.js';

/** LATENCY_BUCKETS_SEC are the latency histogram's upper bounds, in seconds (1 ms to 10 s). */
export const LATENCY_BUCKETS_SEC = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const PHASES = ['warmup', 'baseline', 'rollout', 'cooldown', 'steady', 'scenario', 'stopping'] as const;

/**
 * createMetricsRegistry is the prom-client registry rollcheck serves: every
 * metric reads `figures()` when scraped (the live view during the run, the
 * results after it), so a scrape costs one snapshot and nothing is counted twice.
 */
export function createMetricsRegistry(figures: () => MetricFigures, latency: () => Histogram): Registry {
  const registry = new Registry();
  const registers = [registry];
  // Counters rollcheck keeps itself: each scrape sets them to the run's figures (they only grow during a run).
  const refill = <M extends { reset(): void }>(m: M, fill: (m: M, f: MetricFigures) => void): void => {
    m.reset();
    fill(m, figures());
  };
  const counter: Fill<Counter> = (name, help, labelNames, fill) => {
    const c: Counter = new Counter({ name, help, labelNames, registers, collect: () => refill(c, fill) });
  };
  const gauge: Fill<Gauge> = (name, help, labelNames, fill) => {
    const g: Gauge = new Gauge({ name, help, labelNames, registers, collect: () => refill(g, fill) });
  };
  counter('rollcheck_requests_total', 'Completed requests by outcome kind (ok, http_5xx, reset, …) and connection use (new, reused); warm-up not counted.', ['outcome', 'connection'], (c, f) => {
    for (const o of f.outcomes) c.inc({ outcome: o.outcome, connection: o.connection }, o.n);
  });
  counter('rollcheck_method_requests_total', 'Completed requests by HTTP method and result (ok, failed).', ['method', 'result'], (c, f) => {
    for (const [method, t] of Object.entries(f.byMethod)) {
      c.inc({ method, result: 'ok' }, t.ok);
      c.inc({ method, result: 'failed' }, t.failed);
    }
  });
  counter('rollcheck_requests_sent_total', 'Requests sent after the warm-up.', [], (c, f) => c.inc(f.sent));
  counter('rollcheck_requests_dropped_total', 'Requests not sent because --max-in-flight were outstanding.', [], (c, f) => c.inc(f.dropped));
  counter('rollcheck_requests_no_connection_total', 'Requests that waited --timeout for a free connection and were never sent (the generator fell short).', [], (c, f) => c.inc(f.queueExpired));
  gauge('rollcheck_requests_in_flight', 'Requests sent and not yet answered.', [], (g, f) => g.set(f.inFlight));
  gauge('rollcheck_target_requests_per_second', 'The request rate asked for (--rate).', [], (g, f) => g.set(f.targetRatePerSec));
  gauge('rollcheck_achieved_requests_per_second', 'The request rate sent so far, over the recorded time.', [], (g, f) => g.set(f.achievedRatePerSec));
  gauge('rollcheck_phase', 'The run phase now: 1 for the current phase, 0 for the others.', ['phase'], (g, f) => {
    for (const p of PHASES) g.set({ phase: p }, p === f.phase ? 1 : 0);
  });
  gauge('rollcheck_pods', 'Pods by the last lifecycle state rollcheck saw (starting, ready, not_ready, terminating, exited).', ['state'], (g, f) => {
    for (const s of POD_STATES) g.set({ state: s }, f.pods[s]);
  });
  counter('rollcheck_pod_requests_total', 'Completed requests by the pod that answered (--pod-header) and result.', ['pod', 'result'], (c, f) => {
    for (const [pod, n] of Object.entries(f.okByPod)) c.inc({ pod, result: 'ok' }, n);
    for (const [pod, n] of Object.entries(f.failedByPod)) c.inc({ pod, result: 'failed' }, n);
  });
  addRolloutAndRunners(counter, gauge);
  gauge('rollcheck_findings', 'Findings of the analysis by id and severity, valued by the failures each claims (set when the run is analysed).', ['id', 'severity'], (g, f) => {
    for (const x of f.findings) g.set({ id: x.id, severity: x.severity }, x.failures);
  });
  gauge('rollcheck_verdict', 'The verdict once the run is analysed: 1 for the verdict reached (pass, fail, inconclusive).', ['verdict'], (g, f) => {
    if (f.verdict !== undefined) for (const v of ['pass', 'fail', 'inconclusive']) g.set({ verdict: v }, v === f.verdict ? 1 : 0);
  });
  gauge('rollcheck_run_finished', '1 once the run has ended and these are its final figures, else 0.', [], (g, f) => g.set(f.finished ? 1 : 0));
  registry.registerMetric(latencyHistogram(latency) as never);
  return registry;
}

type Fill<T> = (name: string, help: string, labelNames: string[], fill: (m: T, f: MetricFigures) => void) => void;

function addRolloutAndRunners(counter: Fill<Counter>, gauge: Fill<Gauge>): void {
  counter('rollcheck_rollouts_total', 'Rollouts by what happened to them (started, completed, failed).', ['event'], (c, f) => {
    c.inc({ event: 'started' }, f.rollout.started);
    c.inc({ event: 'completed' }, f.rollout.completed);
    c.inc({ event: 'failed' }, f.rollout.failed);
  });
  gauge('rollcheck_rollout_replicas', 'The rollout progress as kubectl rollout status reads it (desired, updated, ready, available replicas).', ['count'], (g, f) => {
    const p = f.rollout.progress;
    if (!p) return;
    g.set({ count: 'desired' }, p.replicas);
    g.set({ count: 'updated' }, p.updated);
    g.set({ count: 'ready' }, p.ready);
    g.set({ count: 'available' }, p.available);
  });
  gauge('rollcheck_runner_target_requests_per_second', 'Each runner\'s share of the rate (--runners N).', ['runner'], (g, f) => {
    for (const r of f.runners) g.set({ runner: r.runner }, r.ratePerSec);
  });
  counter('rollcheck_runner_requests_total', 'Requests each runner sent and completed (--runners N), by result (sent, ok, failed).', ['runner', 'result'], (c, f) => {
    for (const r of f.runners) {
      c.inc({ runner: r.runner, result: 'sent' }, r.sent);
      c.inc({ runner: r.runner, result: 'ok' }, r.ok);
      c.inc({ runner: r.runner, result: 'failed' }, r.failed);
    }
  });
  gauge('rollcheck_runner_lost', '1 for a runner whose share was lost (not sent or not seen).', ['runner'], (g, f) => {
    for (const r of f.runners) g.set({ runner: r.runner }, r.lost ? 1 : 0);
  });
}

interface IterationValue {
  valueIteratedTo: number;
  countAtValueIteratedTo: number;
}
interface ValuesIterator {
  reset(): void;
  hasNext(): boolean;
  next(): IterationValue;
}

/** latencyHistogram is the ok latency (from the intended send time) as a Prometheus histogram, from the run's HDR histogram. */
function latencyHistogram(latency: () => Histogram): object {
  const name = 'rollcheck_request_latency_seconds';
  const help = 'Latency of ok requests from their intended send time (no coordinated omission), in seconds.';
  return {
    name,
    help,
    type: 'histogram',
    get() {
      const h = latency();
      const counts = LATENCY_BUCKETS_SEC.map(() => 0);
      let sumSec = 0;
      // The JS HDR histogram (the one configuration createHistogram builds) walks its recorded values exactly.
      const it = (h as unknown as { recordedValuesIterator?: ValuesIterator }).recordedValuesIterator;
      if (it && h.totalCount > 0) {
        it.reset();
        while (it.hasNext()) {
          const v = it.next();
          const sec = v.valueIteratedTo / 1e6;
          sumSec += sec * v.countAtValueIteratedTo;
          LATENCY_BUCKETS_SEC.forEach((le, i) => {
            if (sec <= le) counts[i] = (counts[i] ?? 0) + v.countAtValueIteratedTo;
          });
        }
      }
      const values = [
        ...LATENCY_BUCKETS_SEC.map((le, i) => ({ metricName: `${name}_bucket`, labels: { le }, value: counts[i] ?? 0 })),
        { metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: h.totalCount },
        { metricName: `${name}_sum`, labels: {}, value: sumSec },
        { metricName: `${name}_count`, labels: {}, value: h.totalCount },
      ];
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
}
