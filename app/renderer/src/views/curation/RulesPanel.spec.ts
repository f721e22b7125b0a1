import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it } from 'vitest';
import { CurationRules } from '../../lib/state/curation-rules.svelte.ts';
import { Notices } from '../../lib/state/notices.svelte.ts';
import RulesPanel from './RulesPanel.svelte';
import { FakeBackend } from '../../lib/testing/fake-backend.ts';

describe('RulesPanel', () => {
  it('groups the digits of both counts alike: "Would change 2,137 of 2,144"', () => {
    const fake = new FakeBackend({});
    const rules = new CurationRules(fake.client, new Notices());
    rules.preview = { matched: 2144, changes: 2137, fromUnset: 2137, fromAccepted: 0, fromRejected: 0 };
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(RulesPanel, { target, props: { rules, identityId: null, identityName: null } });
    flushSync();
    const text = target.querySelector('[data-testid="rule-preview"]')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(text).toBe('Would change 2,137 of 2,144 matching variants.');
    unmount(component);
    target.remove();
  });
});
