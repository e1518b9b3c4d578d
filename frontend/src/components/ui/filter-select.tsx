import { type ReactNode, useId } from 'react';

type FilterSelectProps = {
  /** The visible label, which also names the select: "Status". */
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The options, starting with "Any …" (the value ""). */
  children: ReactNode;
};

/** FilterSelect is a labelled select in a list's filters. */
export function FilterSelect({ label, value, onChange, children }: FilterSelectProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="input"
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        {children}
      </select>
    </div>
  );
}
