/** The project screen's Import panel and its jobs tray, as a user sees them. */
import type { Locator, Page } from 'playwright-core';

export type ImportKind = 'Demo dataset' | 'UTD-MHAD folder' | 'Sensor file';

export class ImportPage {
  readonly panel: Locator;
  readonly tray: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByRole('form', { name: 'Import' });
    this.tray = page.getByRole('region', { name: 'Jobs' });
  }

  /** from the project screen */
  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Import…' }).click();
    await this.panel.waitFor();
  }

  async start(kind: ImportKind, path: string, options: { withVideo?: boolean } = {}): Promise<void> {
    await this.panel.getByRole('radio', { name: kind }).check();
    await this.panel.getByRole('textbox', { name: kind === 'Sensor file' ? 'File' : 'Folder' }).fill(path);
    if (options.withVideo !== undefined) await this.panel.getByRole('checkbox', { name: /^Transcode depth to video/ }).setChecked(options.withVideo);
    await this.panel.getByRole('button', { name: 'Start import' }).click();
  }

  /** the tray's entry of the job whose title starts with `title` */
  job(title: string): Locator {
    return this.tray.locator(`article[aria-label^="${title}"]`);
  }

  async waitForStatus(job: Locator, status: 'running' | 'done' | 'failed' | 'cancelled', timeout = 60_000): Promise<void> {
    await job.and(this.page.locator(`[data-status="${status}"]`)).waitFor({ timeout });
  }

  /** from now on, remembers every value any job's progress bar shows (the bar can move faster than a test polls) */
  async recordProgress(): Promise<void> {
    // a script as text: tsx would wrap named functions in a helper the page does not have
    await this.page.evaluate(`{
      window.progressSeen = [];
      const note = (bar) => bar.hasAttribute('aria-valuenow') && window.progressSeen.push(Number(bar.getAttribute('aria-valuenow')));
      new MutationObserver((changes) => {
        for (const change of changes) {
          if (change.type === 'attributes') note(change.target);
          for (const node of change.addedNodes) if (node instanceof Element) node.querySelectorAll('[role="progressbar"]').forEach(note);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    }`);
  }

  /** the percentages the bars showed since recordProgress */
  async recordedProgress(): Promise<number[]> {
    return this.page.evaluate('window.progressSeen');
  }
}
