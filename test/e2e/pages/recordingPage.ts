/**
 * The recording view as a user sees it: the video with its controls, the traces, the GAF and the
 * alignment panel. Times are read from the data attributes the panes expose.
 */
import type { Locator, Page } from 'playwright-core';
import { AnnotationTransferPage } from './annotationTransferPage.ts';

export interface Playhead {
  video: number;
  sensor: number;
  /** the centre of the GAF on screen; NaN before the first one */
  gaf: number;
  /** the clock model being edited */
  offset: number;
  drift: number;
}

export class RecordingPage {
  readonly view: Locator;
  readonly videoPane: Locator;
  readonly trace: Locator;
  readonly traceCanvas: Locator;
  readonly gaf: Locator;
  readonly gafCanvas: Locator;
  readonly alignment: Locator;
  readonly alerts: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByRole('region', { name: 'Recording', exact: true });
    this.videoPane = page.getByRole('region', { name: 'Video', exact: true });
    this.trace = page.getByRole('region', { name: 'Sensor traces' });
    this.traceCanvas = page.locator('.trace-pane canvas.marks');
    this.gaf = page.getByRole('region', { name: 'Gramian Angular Field' });
    this.gafCanvas = this.gaf.locator('canvas');
    this.alignment = page.getByRole('region', { name: 'Alignment' });
    this.alerts = page.getByRole('alert');
  }

  /** clicks a recording in the list and waits until its panes have drawn */
  async open(name: string): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
    await this.ready();
  }

  /** the video can play, the traces have data, a GAF is on screen */
  async ready(): Promise<void> {
    await this.view.waitFor();
    await this.page.waitForFunction(
      () =>
        (document.querySelector('video')?.readyState ?? 0) >= 2 &&
        document.querySelector('.trace-pane')?.getAttribute('data-loaded') === 'true' &&
        document.querySelector('.gaf-pane')?.hasAttribute('data-gaf-center'),
    );
  }

  /**
   * Every time on screen, read in one go so they belong to the same frame. (Page functions declare
   * no named functions: tsx's name helper does not exist in the page.)
   */
  playhead(): Promise<Playhead> {
    return this.page.evaluate(() => {
      const attributes = [
        ['.video-pane', 'data-video-time'],
        ['.trace-pane', 'data-sensor-time'],
        ['.gaf-pane', 'data-gaf-center'],
        ['.alignment', 'data-offset'],
        ['.alignment', 'data-drift'],
      ];
      const [video, sensor, gaf, offset, drift] = attributes.map(([selector, name]) => Number(document.querySelector(selector)?.getAttribute(name) ?? NaN));
      return { video, sensor, gaf, offset, drift };
    });
  }

  async storedOffset(): Promise<number> {
    return Number(await this.alignment.getAttribute('data-stored-offset'));
  }

  async play(): Promise<void> {
    await this.videoPane.getByRole('button', { name: 'Play' }).click();
    await this.page.waitForFunction(() => document.querySelector('.video-pane')?.getAttribute('data-playing') === 'true');
  }

  async pause(): Promise<void> {
    await this.videoPane.getByRole('button', { name: 'Pause' }).click();
    await this.page.waitForFunction(() => document.querySelector('.video-pane')?.getAttribute('data-playing') === 'false');
  }

  /** waits until the video has played past `seconds` */
  async playedPast(seconds: number): Promise<void> {
    await this.page.waitForFunction((t) => Number(document.querySelector('.video-pane')?.getAttribute('data-video-time')) > t, seconds);
  }

  /** drags the position slider to `seconds` */
  async seek(seconds: number): Promise<void> {
    await this.videoPane.getByLabel('Video position').fill(String(seconds));
  }

  /** waits until the GAF on screen is the one around the playhead */
  async gafAtPlayhead(): Promise<Playhead> {
    await this.page.waitForFunction(
      () => document.querySelector('.gaf-pane')?.getAttribute('data-gaf-center') === document.querySelector('.trace-pane')?.getAttribute('data-sensor-time'),
    );
    return this.playhead();
  }

  async setOffset(seconds: number): Promise<void> {
    await this.alignment.getByLabel('Offset (s)').fill(String(seconds));
    await this.alignment.getByLabel('Offset (s)').press('Enter');
  }

  /** saves the draft alignment; throws what the panel says when the save fails */
  async save(): Promise<void> {
    await this.alignment.getByRole('button', { name: 'Save' }).click();
    await this.page.waitForFunction(() => {
      const panel = document.querySelector('.alignment');
      return panel?.getAttribute('data-dirty') === 'false' || panel?.querySelector('[role="alert"]');
    });
    await this.failedWith('saving the alignment');
  }

  /** runs auto-sync and waits for its result in the panel; throws what the panel says when it fails */
  async autoSync(timeout = 90_000): Promise<void> {
    await this.alignment.getByRole('button', { name: 'Auto-sync' }).click();
    await this.page.waitForFunction(
      () => /auto: confidence/.test(document.querySelector('.alignment')?.textContent ?? '') || document.querySelector('.alignment [role="alert"]'),
      undefined,
      {
        timeout,
      },
    );
    await this.failedWith('auto-sync');
  }

  private async failedWith(what: string): Promise<void> {
    const alert = this.alignment.getByRole('alert');
    if ((await alert.count()) > 0) throw new Error(`${what} failed: the alignment panel says ${JSON.stringify(await alert.textContent())}`);
  }

  /** turns anchor picking on or off (a click on the trace then picks instead of seeking) */
  async setPicking(on: boolean): Promise<void> {
    const toggle = this.alignment.getByRole('button', { name: /^Pick(ing)? on the trace/ });
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
    await this.page.locator(`.trace-pane[data-picking="${on}"]`).waitFor();
  }

  /** with anchor picking on, clicks the trace where it shows sensor time `t` (to the nearest pixel), picking it */
  async pickSensorTime(t: number): Promise<void> {
    await this.setPicking(true);
    await this.clickTrace(t);
  }

  /** clicks the trace where it shows sensor time `t`: a seek there, unless anchor picking is on */
  async clickTrace(t: number): Promise<void> {
    const box = (await this.traceCanvas.boundingBox())!;
    const [left, right, start, end] = await Promise.all(
      ['data-plot-left', 'data-plot-right', 'data-view-start', 'data-view-end'].map(async (name) => Number(await this.trace.getAttribute(name))),
    );
    await this.page.mouse.click(box.x + left + ((t - start) / (end - start)) * (right - left), box.y + box.height / 2);
  }

  async addAnchor(): Promise<void> {
    await this.alignment.getByRole('button', { name: /^Add anchor/ }).click();
  }

  /** hovers the GAF image at fractions of its width and height */
  /** marks an annotation segment from `from` to `to` seconds of video time with the timeline's keys */
  async annotate(from: number, to: number): Promise<void> {
    for (const t of [from, to]) {
      await this.seek(t);
      await this.gafAtPlayhead();
      // the keys go to the window, not to the position slider that took the focus
      await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await this.page.keyboard.press('a');
    }
  }

  /** adds a label on the timeline's toolbar; resolves once the label menu offers it */
  async addLabel(name: string): Promise<void> {
    const toolbar = this.page.locator('.annotation-panel .timeline .toolbar');
    await toolbar.getByLabel('New label').fill(name);
    await toolbar.getByRole('button', { name: 'Add', exact: true }).click();
    await toolbar.getByLabel('Label', { exact: true }).locator('option', { hasText: name }).waitFor({ state: 'attached' });
  }

  /** the number key that chooses label `name` (the label menu shows "1 · wave") */
  async labelKey(name: string): Promise<string> {
    const options = await this.page.locator('.annotation-panel .timeline .toolbar select[aria-label="Label"] option').allTextContents();
    const shown = options.find((o) => o.replace(/^\d · /, '') === name);
    if (!shown || !/^\d · /.test(shown)) throw new Error(`no number key chooses ${name}: the label menu shows ${JSON.stringify(options)}`);
    return shown[0];
  }

  /**
   * Marks a segment of label `name` from `from` to `to` seconds of video time by keyboard only: Esc
   * (nothing selected), the label's number key, then A at each end; resolves once it is stored and
   * selected.
   */
  async markSegment(name: string, from: number, to: number): Promise<void> {
    const count = await this.page.locator('[data-annotation-id]').count();
    const key = await this.labelKey(name);
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press(key);
    await this.annotate(from, to);
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-annotation-id]').length === n, count + 1);
    await this.page.locator('[data-annotation-id][aria-selected="true"]').waitFor();
  }

  /** the RGBA of the traces' overlay at sensor time `t`, `dy` pixels below the plot's top */
  async overlayPixel(t: number, dy: number): Promise<number[]> {
    return this.trace.evaluate(
      // no named functions in here: the page has no __name helper that tsx's output would call
      (pane, [time, down]) => {
        const [left, right, start, end, top] = ['data-plot-left', 'data-plot-right', 'data-view-start', 'data-view-end', 'data-plot-top'].map((name) =>
          Number(pane.getAttribute(name)),
        );
        const canvas = pane.querySelector('canvas.marks') as HTMLCanvasElement;
        const scale = canvas.width / canvas.clientWidth;
        const x = left + ((time - start) / (end - start)) * (right - left);
        return Array.from(canvas.getContext('2d')!.getImageData(Math.round(x * scale), Math.round((top + down) * scale), 1, 1).data);
      },
      [t, dy],
    );
  }

  async hoverGaf(x: number, y: number): Promise<void> {
    const box = (await this.gafCanvas.boundingBox())!;
    await this.page.mouse.move(box.x + box.width * x, box.y + box.height * y);
  }

  /** a recording without a video: the traces have data */
  async readyWithoutVideo(): Promise<void> {
    await this.view.waitFor();
    await this.page.waitForFunction(() => document.querySelector('.trace-pane')?.getAttribute('data-loaded') === 'true');
  }

  /** the annotation segments on the timeline, in video time */
  segments(): Promise<{ id: number; start: number; end: number; label: string }[]> {
    return this.page.$$eval('[data-annotation-id]', (els) =>
      els.map((el) => {
        const d = (el as HTMLElement).dataset;
        return { id: Number(d.annotationId), start: Number(d.start), end: Number(d.end), label: d.label ?? '' };
      }),
    );
  }

  /** this recording's annotations out (as `format`, to `path`); resolves to the status line */
  exportAnnotations(format: 'eaf' | 'csv', path: string): Promise<string> {
    return new AnnotationTransferPage(this.page).export(format, path);
  }

  /** checks (dry run) or imports the annotations at `path`; resolves to the report's counts */
  importAnnotations(path: string, how: 'Check' | 'Import') {
    return new AnnotationTransferPage(this.page).import(path, how);
  }

  async back(): Promise<void> {
    await this.page.getByRole('button', { name: '← Recordings' }).click();
  }
}
