import { Task, TaskStatus } from '@lit/task';
import { LitElement, css, html, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { FINAL_JOB_STATES, type Job } from '@oar-live/oar-client';
import { LiveController } from '../state/live-controller';
import { formatDuration } from '../state/job-request';
import { commandOf } from '../state/job-text';
import { jobTimings } from '../state/job-timings';
import { TickController } from './tick-controller';
import { jobLink, joined, nodeLink, operationLink, userLink } from './links';
import { fieldListStyles, pageStyles, tableStyles } from './table-styles';
import './oar-job-why';

/** Asked again whenever what the explanation depends on moves (state, prediction, OAR's message). */
const whyWaiting = (job: Job) =>
  html`<oar-job-why
    data-field="why"
    .jobId=${job.id}
    revision=${`${job.state} ${job.scheduledStart ?? ''} ${job.message ?? ''}`}
  ></oar-job-why>`;

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

/** One concern of the page: its own heading and body. */
interface Section {
  id: string;
  title: string;
  body: () => unknown;
}

/**
 * `/jobs/:id`: everything about one job, a section per concern (summary and timings, resources,
 * events, operations, output, every OAR field). Another concern (e.g. why a job waits) is one more
 * entry in `sections()`. The job comes from the live store while OAR lists it, and from the API
 * (`GET /api/jobs/:id`, which reads OAR for a finished job) always, so a job that ended before the
 * page was opened is shown too.
 */
@customElement('oar-job-page')
export class OarJobPage extends LitElement {
  static override styles = [
    tableStyles,
    pageStyles,
    fieldListStyles,
    css`
      pre {
        max-height: 24rem;
        overflow: auto;
      }
      .sections {
        display: grid;
        gap: 1rem;
        grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr));
      }
    `,
  ];

  @property({ type: Number }) jobId = 0;
  @state() private output?: { stream: string; file?: string; text?: string; error?: string };
  private readonly live = new LiveController(this);
  // Elapsed and remaining times move on by themselves.
  private readonly tick = new TickController(this);

  private readonly fetched = new Task(this, {
    task: async ([id, api], { signal }) => (api ? api.jobs.get(id, signal) : undefined),
    // Read again when the live view sees the job change state (e.g. it ended: OAR's final record).
    args: () => [this.jobId, this.live.api, this.liveJob()?.state] as const,
  });

  private readonly operations = new Task(this, {
    task: async ([id, api], { signal }) =>
      api ? (await api.operations.list(signal, String(id))).operations : undefined,
    args: () => [this.jobId, this.live.api] as const,
  });

  /** The job as the live view has it (listed by OAR now, or seen ending since the page was loaded). */
  private liveJob(): Job | undefined {
    const store = this.live.store;
    return (
      store?.snapshot?.jobs.find((j) => j.id === this.jobId) ?? store?.finishedJobs.find((j) => j.id === this.jobId)
    );
  }

  override render() {
    const fetched = this.fetched.value;
    const live = this.liveJob();
    const job: Job | undefined = live ? { ...fetched, ...live, events: fetched?.events ?? live.events } : fetched;
    if (!job)
      return html`<h1>Job ${this.jobId}</h1>
        ${this.fetched.render({
          pending: () => html`<p class="muted">Loading job ${this.jobId}…</p>`,
          error: (err) => html`<p class="error" role="alert">${(err as Error).message}</p>`,
        })}`;
    return html`<h1>Job ${job.id}${job.name ? ` · ${job.name}` : ''}</h1>
      <div class="sections">
        ${this.sections(job).map(
          (s) =>
            html`<section aria-labelledby=${`h-${s.id}`} data-section=${s.id}>
              <h2 id=${`h-${s.id}`}>${s.title}</h2>
              ${s.body()}
            </section>`,
        )}
      </div>`;
  }

  private sections(job: Job): Section[] {
    const waiting = job.state === 'Waiting' || job.state === 'Hold';
    return [
      { id: 'summary', title: 'Summary and timings', body: () => this.summary(job) },
      ...(waiting ? [{ id: 'why', title: 'Why it waits', body: () => whyWaiting(job) }] : []),
      { id: 'resources', title: 'Resources', body: () => this.resources(job) },
      { id: 'events', title: 'Events', body: () => this.events(job) },
      { id: 'operations', title: 'Operations through oar-live', body: () => this.operationList() },
      { id: 'output', title: 'Output', body: () => this.outputView(job) },
      { id: 'fields', title: 'Every field OAR gives', body: () => fieldList(job) },
    ];
  }

  private summary(job: Job) {
    const t = jobTimings(job, Date.now());
    const ended = FINAL_JOB_STATES.includes(job.state as never);
    return html`<dl>
      <dt>State</dt>
      <dd data-field="state">${job.state}</dd>
      <dt>User</dt>
      <dd>${userLink(job.user)}</dd>
      <dt>Queue</dt>
      <dd>${job.queue}</dd>
      <dt>Command</dt>
      <dd><pre>${commandOf(job)}</pre></dd>
      <dt>Submitted</dt>
      <dd data-field="submitted">${when(t.submitted)}</dd>
      <dt>Started</dt>
      <dd data-field="started">${when(t.started)}</dd>
      <dt>Elapsed</dt>
      <dd data-field="elapsed">${t.elapsed === undefined ? '—' : formatDuration(t.elapsed)}</dd>
      <dt>Remaining</dt>
      <dd data-field="remaining">
        ${t.remaining === undefined ? '—' : `${formatDuration(t.remaining)} of ${formatDuration(job.walltime)}`}
      </dd>
      <dt>Ended</dt>
      <dd data-field="ended">${ended ? when(t.ended) : '—'}</dd>
      <dt>Exit code</dt>
      <dd data-field="exit-code">${job.exitSignal ? `killed by signal ${job.exitSignal}` : (job.exitCode ?? '—')}</dd>
      ${
        job.resubmittedAs || job.resubmittedFrom
          ? html`<dt>Resubmission</dt>
              <dd>
                ${job.resubmittedFrom ? html`resubmits ${jobLink(job.resubmittedFrom)}` : null}
                ${job.resubmittedAs ? html`resubmitted as ${jobLink(job.resubmittedAs)}` : null}
              </dd>`
          : null
      }
      <dt>Message</dt>
      <dd>${job.message || '—'}</dd>
    </dl>`;
  }

  private resources(job: Job) {
    return html`<dl>
      <dt>Asked for</dt>
      <dd>${job.wantedResources ?? '—'}</dd>
      <dt>Assigned nodes</dt>
      <dd data-field="nodes">${job.nodes.length ? joined(job.nodes, (n) => nodeLink(n)) : '—'}</dd>
      <dt>Assigned resources</dt>
      <dd data-field="resource-ids">${job.resourceIds.join(', ') || '—'}</dd>
      <dt>Planned nodes</dt>
      <dd data-field="planned">
        ${job.plannedNodes?.length ? joined(job.plannedNodes, (n) => nodeLink(n)) : '—'}
        ${job.scheduledStart && !job.startedAt ? html` (OAR plans to start it at ${when(job.scheduledStart)})` : null}
      </dd>
      <dt>Planned resources</dt>
      <dd>${job.plannedResourceIds?.join(', ') || '—'}</dd>
    </dl>`;
  }

  private events(job: Job) {
    if (this.fetched.status !== TaskStatus.COMPLETE && !job.events) return html`<p class="muted">Loading…</p>`;
    if (!job.events?.length) return html`<p class="muted">OAR recorded no event for this job.</p>`;
    return html`<ul data-field="events">
      ${job.events.map((e) => html`<li>${when(e.date)} · <strong>${e.type}</strong>: ${e.description}</li>`)}
    </ul>`;
  }

  private operationList(): TemplateResult {
    return this.operations.render({
      pending: () => html`<p class="muted">Loading…</p>`,
      error: (err) => html`<p class="error" role="alert">${(err as Error).message}</p>`,
      complete: (operations) =>
        operations?.length
          ? html`<ul data-field="operations">
              ${operations.map(
                (op) =>
                  html`<li>
                    ${operationLink(op.id)} · ${op.kind} by ${userLink(op.user)}, ${when(op.createdAt)}:
                    <strong>${op.state}</strong
                    >${op.error ? html` <span class="error">${op.error.message}</span>` : null}
                  </li>`,
              )}
            </ul>`
          : html`<p class="muted">No operation of oar-live acted on this job (or none is kept).</p>`,
    }) as TemplateResult;
  }

  /** The owner may read the end of the job's output files: OAR 2.5.9 serves them (`/media/<file>?tail=`). */
  private outputView(job: Job) {
    const owner = this.live.session?.actor?.oarLogin === job.user;
    if (!owner)
      return html`<p class="muted">
        Only ${job.user}, who owns the job, may read its output (${job.stdoutFile ?? 'stdout'},
        ${job.stderrFile ?? 'stderr'}): OAR reads the files with their rights.
      </p>`;
    const shown = this.output;
    return html`<p>
        <button @click=${() => this.loadOutput('stdout')}>Show the end of stdout</button>
        <button @click=${() => this.loadOutput('stderr')}>Show the end of stderr</button>
      </p>
      ${shown?.error ? html`<p class="error" role="alert">${shown.error}</p>` : null}
      ${
        shown?.text !== undefined
          ? html`<p class="muted">Last lines of ${shown.file}:</p>
              <pre data-field="output" tabindex="0">${shown.text || '(empty)'}</pre>`
          : null
      }`;
  }

  private async loadOutput(stream: 'stdout' | 'stderr') {
    try {
      const { file, text } = await this.live.api!.jobs.output(this.jobId, stream);
      this.output = { stream, file, text };
    } catch (err) {
      this.output = { stream, error: (err as Error).message };
    }
  }
}

/** Every field of the job as oar-live read it from OAR, by name. */
function fieldList(job: Job) {
  const entries = Object.entries(job).filter(([key, value]) => key !== 'events' && value !== undefined);
  return html`<dl data-field="all-fields">
    ${entries.map(
      ([key, value]) =>
        html`<dt>${key}</dt>
          <dd>${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}</dd>`,
    )}
  </dl>`;
}
