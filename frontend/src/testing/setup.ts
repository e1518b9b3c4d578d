import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// The app calls the API with relative URLs (/admin/api/v1/...), which a
// browser resolves against the page. Node's Request does not, so resolve them
// against jsdom's location here, as a browser would.
const NodeRequest = globalThis.Request;
globalThis.Request = class extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, window.location.href) : input, init);
  }
};

afterEach(async () => {
  cleanup();
  // Imported here, not above: the API client must be created after the
  // Request patch, and static imports run first.
  const { setCsrfToken } = await import('@/lib/api');
  setCsrfToken(undefined);
});

// jsdom has <dialog> but not its methods; model what the tests rely on: the
// open attribute (which makes it visible to role queries) and the close event.
if (typeof HTMLDialogElement !== 'undefined' && !('showModal' in HTMLDialogElement.prototype)) {
  Object.assign(HTMLDialogElement.prototype, {
    showModal(this: HTMLDialogElement) {
      this.setAttribute('open', '');
    },
    show(this: HTMLDialogElement) {
      this.setAttribute('open', '');
    },
    close(this: HTMLDialogElement) {
      if (!this.hasAttribute('open')) return;
      this.removeAttribute('open');
      this.dispatchEvent(new Event('close'));
    },
  });
}

// jsdom does no layout: CodeMirror measures text through Range rectangles,
// which jsdom's Range lacks. Empty rectangles are enough for its logic.
if (typeof Range !== 'undefined' && !('getClientRects' in Range.prototype)) {
  const empty = () => new DOMRect(0, 0, 0, 0);
  Object.assign(Range.prototype, {
    getClientRects: () => Object.assign([] as DOMRect[], { item: () => null }),
    getBoundingClientRect: empty,
  });
}

// Nor has it document.execCommand, which CodeMirror calls in a shadow root.
if (typeof document !== 'undefined' && !('execCommand' in document)) {
  Object.assign(document, { execCommand: () => false });
}
