import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { JobSubmission } from '../state/api-client';
import { LiveController } from '../state/live-controller';
import {
  MAX_SCRIPT_BYTES,
  emptyJobRequest,
  jobRequestBody,
  oarsubEquivalent,
  scriptDirectives,
  validateJobRequest,
  type JobRequest,
} from '../state/job-request';
import { tableStyles } from './table-styles';
import { OperationTracker } from './operation-tracker';

type TextKey = 'name' | 'queue' | 'properties' | 'types' | 'resourcesText' | 'walltime';

/**
 * Submit a job: a command, or a script (file picker or drag and drop); a resources builder
 * (nodes × cores, or a raw OAR expression); walltime, name, queue, properties, types.
 * Sends only the fields the user set (a script's `#OAR` directives apply to the others, as with
 * `oarsub -S`), validates with the shared submit rules, shows the `oarsub` line, then follows the
 * operation live.
 */
@customElement('oar-submit-form')
export class OarSubmitForm extends LitElement {
  static override styles = [
    tableStyles,
    css`
      form {
        display: grid;
        gap: 0.6rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
      }
      fieldset {
        border: 1px solid var(--border-soft);
        border-radius: 6px;
      }
      .drop {
        border: 2px dashed var(--border);
        border-radius: 6px;
        padding: 0.8rem;
        text-align: center;
      }
      .drop.over {
        border-color: var(--accent);
        background: var(--surface);
      }
      code {
        display: block;
        padding: 0.4rem 0.6rem;
        background: var(--surface);
        border-radius: 4px;
        overflow-wrap: anywhere;
      }
      .field-error {
        color: var(--danger);
        font-size: 0.85em;
        font-weight: 600;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        font-family: ui-monospace, monospace;
      }
    `,
  ];

  private readonly live = new LiveController(this);
  private readonly submission = new OperationTracker(this, this.live);
  @state() request: JobRequest = emptyJobRequest();
  @state() private errors: Record<string, string> = {};
  @state() private dragOver = false;
  private scriptFile?: File;

  override render() {
    const r = this.request;
    return html`<form @submit=${this.submit} novalidate aria-label="Submit a job">
      <fieldset>
        <legend>What to run</legend>
        <div class="row" role="radiogroup" aria-label="Job kind">
          ${this.modeChoice('command', 'Run a command')} ${this.modeChoice('script', 'Run a script file')}
        </div>
        ${
          r.mode === 'command'
            ? html`<label
                >Command
                <input
                  name="command"
                  .value=${r.command}
                  placeholder="e.g. sleep 30"
                  size="50"
                  aria-invalid=${!!this.errors.command}
                  @input=${(e: Event) => this.set({ command: (e.target as HTMLInputElement).value })}
              /></label>`
            : html`<div
                class="drop ${this.dragOver ? 'over' : ''}"
                @dragover=${this.onDragOver}
                @dragleave=${() => (this.dragOver = false)}
                @drop=${this.onDrop}
              >
                <label
                  >Script (choose or drop a file)
                  <input name="script" type="file" @change=${this.onFilePicked} aria-invalid=${!!this.errors.script}
                /></label>
                ${
                  r.scriptName
                    ? html`<p data-field="script-name">${r.scriptName} (${r.scriptText?.length ?? 0} bytes)</p>`
                    : null
                }
                ${this.directivesNote()}
              </div>`
        }
        ${this.fieldError('command')} ${this.fieldError('script')}
      </fieldset>
      <fieldset>
        <legend>Resources</legend>
        <div class="row">
          ${this.numberField('nodes', 'Nodes')} ${this.numberField('coresPerNode', 'Cores per node')}
          ${this.textField('resourcesText', '…or OAR expression', '/nodes=2/core=4')}
          ${this.textField('walltime', 'Walltime', 'hh:mm:ss or seconds')}
        </div>
        ${this.fieldError('nodes')} ${this.fieldError('coresPerNode')} ${this.fieldError('resourcesText')}
        ${this.fieldError('walltime')}
      </fieldset>
      <div class="row">
        ${this.textField('name', 'Name')} ${this.textField('queue', 'Queue', 'default')}
        ${this.textField('properties', 'Properties', "e.g. host='node1'")}
        ${this.textField('types', 'Types', 'comma-separated')}
      </div>
      ${this.fieldError('name')} ${this.fieldError('queue')} ${this.fieldError('types')}
      <div>
        <span class="muted">Equivalent command</span>
        <code data-field="oarsub">${oarsubEquivalent(r)}</code>
      </div>
      <div class="row">
        <button class="primary" type="submit" ?disabled=${this.submission.busy}>Submit job</button>
        <button type="button" @click=${this.clear}>Clear</button>
      </div>
      ${this.submission.render()}
    </form>`;
  }

  private modeChoice(mode: JobRequest['mode'], label: string) {
    return html`<label
      ><span
        ><input type="radio" name="mode" .checked=${this.request.mode === mode} @change=${() => this.set({ mode })} />
        ${label}</span
      ></label
    >`;
  }

  private textField(key: TextKey, label: string, placeholder = '') {
    return html`<label
      >${label}
      <input
        name=${key}
        .value=${this.request[key]}
        placeholder=${placeholder}
        aria-invalid=${!!this.errors[key]}
        @input=${(e: Event) => this.set({ [key]: (e.target as HTMLInputElement).value })}
    /></label>`;
  }

  /** The nodes × cores builder; off while a raw OAR expression is given. */
  private numberField(key: 'nodes' | 'coresPerNode', label: string) {
    return html`<label
      >${label}
      <input
        name=${key}
        type="number"
        min="1"
        .value=${this.request[key]}
        ?disabled=${!!this.request.resourcesText.trim()}
        aria-invalid=${!!this.errors[key]}
        @input=${(e: Event) => this.set({ [key]: (e.target as HTMLInputElement).value })}
    /></label>`;
  }

  /** What the script's `#OAR` lines set (the fields left empty here). */
  private directivesNote() {
    const directives = Object.entries(scriptDirectives(this.request));
    if (directives.length === 0) return null;
    const listed = directives.map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(', ') : value}`);
    return html`<p data-field="directives">From the script's #OAR lines: ${listed.join('; ')}</p>`;
  }

  private fieldError(key: string) {
    return this.errors[key] ? html`<span class="field-error" role="alert">${this.errors[key]}</span>` : null;
  }

  private set(patch: Partial<JobRequest>) {
    this.request = { ...this.request, ...patch };
    if (Object.keys(this.errors).length) this.errors = validateJobRequest(this.request);
  }

  private async takeFile(file: File | undefined) {
    if (!file) return;
    if (file.size > MAX_SCRIPT_BYTES) {
      this.errors = { ...this.errors, script: `${file.name} is larger than 256 KiB.` };
      return;
    }
    this.scriptFile = file;
    this.set({ mode: 'script', scriptName: file.name, scriptText: await file.text() });
  }

  private onFilePicked(event: Event) {
    void this.takeFile((event.target as HTMLInputElement).files?.[0]);
  }

  private onDragOver(event: DragEvent) {
    event.preventDefault();
    this.dragOver = true;
  }

  private onDrop(event: DragEvent) {
    event.preventDefault();
    this.dragOver = false;
    void this.takeFile(event.dataTransfer?.files[0]);
  }

  private clear() {
    this.request = emptyJobRequest();
    this.scriptFile = undefined;
    this.errors = {};
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    this.errors = validateJobRequest(this.request);
    if (Object.keys(this.errors).length) return this.focusAfterSubmit('[aria-invalid="true"]');
    const body = jobRequestBody(this.request);
    let payload: JobSubmission = body;
    if (this.request.mode === 'script') {
      const form = new FormData();
      for (const [key, value] of Object.entries(body))
        for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
      form.append('script', this.scriptFile ?? new Blob([this.request.scriptText ?? '']), this.request.scriptName);
      payload = form;
    }
    await this.submission.send((api) => api.jobs.submit(payload));
    await this.focusAfterSubmit('.error[role="alert"], oar-operation-status');
  }

  /**
   * Where the user's work continues after Submit: the first field to fix, or the answer (the
   * refusal, or the submission's progress), which is made focusable for that.
   */
  private async focusAfterSubmit(selector: string) {
    await this.updateComplete;
    const target = this.renderRoot.querySelector<HTMLElement>(selector);
    if (!target) return;
    if (target.tabIndex < 0 && !target.matches('input, select, textarea, button')) target.tabIndex = -1;
    target.focus();
  }
}
