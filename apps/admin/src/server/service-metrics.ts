import { prometheusName as n } from "@gochat/telemetry/catalogue";
import { readAdminEnv } from "./env";
import { increase, parsePrometheusText, quantileBetween, sumOf, type Sample } from "./prometheus-text";

/** Every service's `/metrics` at one moment; null for a service that did not answer. */
interface Scrape {
  atMs: number;
  byService: Map<string, Sample[] | null>;
}

export interface ServiceFigures {
  name: string;
  /** For a gateway: users and sockets on it now. */
  users: number | null;
  connections: number | null;
  /** Whether its `/metrics` answered at the last scrape. */
  isScraped: boolean;
}

export interface OverviewFigures {
  /** The span the rates and latencies are measured over; 0 until two scrapes exist. */
  windowMs: number;
  /** Messages stored per second (records im-task's `task.persist.group` consumed). */
  messagesPerSecond: number | null;
  /** Message accepted → emitted to a recipient's socket, over every gateway. */
  deliveryP50Ms: number | null;
  deliveryP99Ms: number | null;
  onlineUsers: number | null;
  connections: number | null;
  /** The pipeline probe's runs in the window, by outcome, and their mean round trip. */
  probe: { ok: number; failed: number; meanRoundTripMs: number | null } | null;
  services: ServiceFigures[];
  scrapedAt: number | null;
}

/** How often every service is scraped, and how far back the rates reach. */
const SCRAPE_EVERY_MS = 5_000;
const WINDOW_MS = 60_000;

async function scrapeOne(url: string): Promise<Sample[] | null> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? parsePrometheusText(await response.text()) : null;
  } catch {
    return null;
  }
}

/** One service's samples tagged with its name, so several processes' series stay apart when combined. */
function tagged(scrape: Scrape): Sample[] {
  const all: Sample[] = [];
  for (const [service, samples] of scrape.byService) {
    for (const sample of samples ?? [])
      all.push({ ...sample, labels: { ...sample.labels, gochat_service: service } });
  }
  return all;
}

/**
 * The figures the overview shows beside each service's health, read from the services' own `/metrics`
 * (the Prometheus endpoint on their health ports, `GOCHAT_ADMIN_SERVICES`) every few seconds while the
 * overview is open: rates and latencies are the growth of counters and histograms over the last minute.
 */
export class ServiceMetrics {
  #scrapes: Scrape[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lastAskedAt = 0;
  #scraping: Promise<void> | undefined;

  async figures(): Promise<OverviewFigures> {
    this.#lastAskedAt = Date.now();
    if (this.#scrapes.length === 0) await this.#scrapeNow();
    this.#schedule();
    return this.#compute();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // Nobody has looked for a while: stop scraping until someone does.
      if (Date.now() - this.#lastAskedAt > WINDOW_MS) return;
      void this.#scrapeNow().finally(() => this.#schedule());
    }, SCRAPE_EVERY_MS);
    this.#timer.unref();
  }

  #scrapeNow(): Promise<void> {
    this.#scraping ??= (async () => {
      const services = readAdminEnv().GOCHAT_ADMIN_SERVICES;
      const results = await Promise.all(services.map((service) => scrapeOne(service.url)));
      const atMs = Date.now();
      this.#scrapes.push({ atMs, byService: new Map(services.map((s, i) => [s.name, results[i] ?? null])) });
      this.#scrapes = this.#scrapes.filter((scrape) => atMs - scrape.atMs <= WINDOW_MS);
    })().finally(() => {
      this.#scraping = undefined;
    });
    return this.#scraping;
  }

  #compute(): OverviewFigures {
    const newest = this.#scrapes.at(-1);
    const oldest = this.#scrapes[0];
    const services = [...(newest?.byService ?? new Map<string, Sample[] | null>())].map(
      ([name, samples]): ServiceFigures => ({
        name,
        users: samples === null ? null : sumOf(samples, n("gatewayUsers")),
        connections: samples === null ? null : sumOf(samples, n("gatewayConnections")),
        isScraped: samples !== null,
      }),
    );
    const now = newest === undefined ? [] : tagged(newest);
    const empty: OverviewFigures = {
      windowMs: 0,
      messagesPerSecond: null,
      deliveryP50Ms: null,
      deliveryP99Ms: null,
      onlineUsers: sumOf(now, n("gatewayUsers")),
      connections: sumOf(now, n("gatewayConnections")),
      probe: null,
      services,
      scrapedAt: newest?.atMs ?? null,
    };
    if (newest === undefined || oldest === undefined || newest === oldest) return empty;
    const then = tagged(oldest);
    const windowMs = newest.atMs - oldest.atMs;
    const stored = increase(then, now, n("consumerRecords"), {
      messaging_consumer_group_name: "task.persist.group",
    });
    const bucket = n("deliveryDuration", "bucket");
    const toMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
    const ok = increase(then, now, n("probeRuns"), { gochat_outcome: "ok" });
    const runs = increase(then, now, n("probeRuns"));
    const roundTrips = increase(then, now, n("probeRoundTrip", "count"));
    const roundTripSum = increase(then, now, n("probeRoundTrip", "sum"));
    return {
      ...empty,
      windowMs,
      messagesPerSecond: stored === null ? null : stored / (windowMs / 1000),
      deliveryP50Ms: toMs(quantileBetween(then, now, bucket, 0.5)),
      deliveryP99Ms: toMs(quantileBetween(then, now, bucket, 0.99)),
      probe:
        runs === null
          ? null
          : {
              ok: ok ?? 0,
              failed: runs - (ok ?? 0),
              meanRoundTripMs:
                roundTrips === null || roundTrips === 0 || roundTripSum === null
                  ? null
                  : (roundTripSum / roundTrips) * 1000,
            },
    };
  }
}

// Next may load this module once per route bundle; the one sampler lives on globalThis.
const holder = globalThis as { gochatServiceMetrics?: ServiceMetrics };

export function serviceMetrics(): ServiceMetrics {
  holder.gochatServiceMetrics ??= new ServiceMetrics();
  return holder.gochatServiceMetrics;
}
