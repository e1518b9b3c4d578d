import { useEffect, useEffectEvent, useState } from 'react';

/** How long typing pauses before a filter goes to the server. */
export const debounceMs = 300;

/** UpdateParams changes search parameters (undefined or "" removes one). */
export type UpdateParams = (changes: Record<string, string | undefined>, options?: { replace?: boolean }) => void;

/**
 * useDebouncedParam keeps a text field's value and writes it to the search
 * parameter name once typing pauses.
 */
export function useDebouncedParam(
  params: URLSearchParams,
  name: string,
  update: UpdateParams,
): [string, (value: string) => void] {
  const inUrl = params.get(name) ?? '';
  const [value, setValue] = useState(inUrl);
  // What the URL said last, and what this field last wrote to it: a change
  // it did not write (clearing the filters, going back) replaces the text.
  const [seen, setSeen] = useState(inUrl);
  const [written, setWritten] = useState<string | null>(null);
  if (inUrl !== seen) {
    setSeen(inUrl);
    setWritten(null);
    if (inUrl !== written) setValue(inUrl);
  }
  const write = useEffectEvent((text: string) => {
    setWritten(text);
    update({ [name]: text || undefined }, { replace: true });
  });
  useEffect(() => {
    if (value.trim() === inUrl) return;
    const timer = window.setTimeout(() => {
      write(value.trim());
    }, debounceMs);
    return () => {
      window.clearTimeout(timer);
    };
  }, [value, inUrl]);
  return [value, setValue];
}
