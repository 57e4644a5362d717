// A labelled number input that only applies valid values: invalid text gets an inline error that
// says which value is still in use (src/store/numberInput.ts), and registers in its group so the
// actions that would use it are disabled.
import { useEffect, useId, useState } from 'react';
import { checkNumberInput, notAppliedMessage } from '../store/numberInput.ts';
import { useInvalidFields, type FieldGroup } from '../store/invalidFields.ts';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange(v: number): void;
  testId?: string;
  /** Integer field (default: when step is an integer). */
  integer?: boolean;
  group?: FieldGroup;
  title?: string;
  /** Label beside the input, not above it (a field alone in a row of buttons). */
  inline?: boolean;
}

export function NumberField({ label, value, min, max, step, onChange, testId, integer, group, title, inline }: Props) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const setError = useInvalidFields((s) => s.setError);
  const check = checkNumberInput(text, { min, max, integer: integer ?? Number.isInteger(step) }, label);
  const error = check.ok ? null : check.error;
  useEffect(() => {
    if (group) setError(group, id, error);
  }, [group, id, error, setError]);
  useEffect(() => () => {
    if (group) setError(group, id, null);
  }, [group, id, setError]);
  return (
    <span className={inline ? 'number-field inline' : 'number-field'}>
      <label htmlFor={id} title={title}>{label}</label>
      <input
        id={id}
        type="number"
        value={text}
        min={min}
        max={max}
        step={step}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          const c = checkNumberInput(e.target.value, { min, max, integer: integer ?? Number.isInteger(step) }, label);
          if (c.ok) onChange(c.value);
        }}
        style={{ width: '6.5rem' }}
      />
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          {notAppliedMessage(error, value)}
        </span>
      )}
    </span>
  );
}
