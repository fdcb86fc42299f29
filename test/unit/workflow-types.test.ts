import { temporal } from '@temporalio/proto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowTypes } from '../../common/workflow-types';
import * as registered from '../../workflows';

const histories = join(__dirname, '..', 'replay-histories');

/** Histories, running workflows and visibility queries know the workflows by these names alone. */
describe('the registered workflow types', () => {
  test('the worker registers exactly the workflows of WorkflowTypes, each under its name', () => {
    expect(Object.keys(registered).sort()).toEqual(Object.values(WorkflowTypes).sort());
    for (const name of Object.values(WorkflowTypes)) expect(typeof registered[name]).toBe('function');
  });

  test('every recorded history is of a registered type, and so is every child it started', () => {
    const types = new Set<string>(Object.values(WorkflowTypes));
    for (const file of readdirSync(histories).filter((f) => f.endsWith('.binpb'))) {
      const { events } = temporal.api.history.v1.History.decode(readFileSync(join(histories, file)));
      const named = [
        events[0].workflowExecutionStartedEventAttributes!.workflowType!.name!,
        ...events.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? []),
      ];
      for (const name of named)
        expect({ file, name, registered: types.has(name) }).toEqual({ file, name, registered: true });
    }
  });
});
