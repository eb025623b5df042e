import { createMailer, type BuildFailureMail } from '../../src/activities/mail';
import { buildFailureBody } from '../../src/domain/notifications';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';

const failure: BuildFailureMail = {
  packageName: 'openstack-nova',
  upstream: 'https://opendev.org/openstack/nova',
  distgit: 'https://review.example.org/openstack/nova-distgit',
  maintainers: ['alice@example.org', 'bob@example.org'],
  logUrl: 'http://127.0.0.1:8080/repos/1f/2e/1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c_abcdef01',
};

describe('createMailer().sendBuildFailure over real SMTP', () => {
  let peer: SmtpPeer;
  afterEach(async () => {
    await peer.stop();
  });

  it("mails every maintainer with DLRN's subject and body", async () => {
    peer = await startSmtpPeer();
    const mailer = createMailer({ host: peer.host, port: peer.port, from: 'trunkflow <no-reply@trunk.example.org>' });
    const { messageId } = await mailer.sendBuildFailure(failure);

    expect(peer.messages).toHaveLength(1);
    const [mail] = peer.messages;
    expect(mail.envelopeFrom).toBe('no-reply@trunk.example.org');
    expect(mail.envelopeTo).toEqual(['alice@example.org', 'bob@example.org']);
    expect(mail.to).toEqual(['alice@example.org', 'bob@example.org']);
    expect(mail.from).toEqual(['no-reply@trunk.example.org']);
    expect(mail.subject).toBe('[dlrn] openstack-nova master package build failed');
    expect(mail.messageId).toBe(messageId);
    expect(mail.text?.trimEnd()).toBe(buildFailureBody(failure));
    expect(mail.text).toContain(`[2] - ${failure.logUrl}`);
  });

  it('logs in when credentials are configured, and fails on wrong ones', async () => {
    peer = await startSmtpPeer({ auth: { user: 'relay', password: 's3cret' } });
    const base = { host: peer.host, port: peer.port, from: 'no-reply@trunk.example.org' };
    await createMailer({ ...base, user: 'relay', password: 's3cret' }).sendBuildFailure(failure);
    expect(peer.messages.map((m) => m.user)).toEqual(['relay']);

    await expect(createMailer({ ...base, user: 'relay', password: 'wrong' }).sendBuildFailure(failure)).rejects.toThrow(/Invalid login|535|Invalid username/);
    await expect(createMailer(base).sendBuildFailure(failure)).rejects.toThrow();
    expect(peer.messages).toHaveLength(1);
  });

  it('refuses to send without maintainers', async () => {
    peer = await startSmtpPeer();
    const mailer = createMailer({ host: peer.host, port: peer.port, from: 'no-reply@trunk.example.org' });
    await expect(mailer.sendBuildFailure({ ...failure, maintainers: [' '] })).rejects.toThrow(/no maintainers to notify about openstack-nova/);
    expect(peer.messages).toHaveLength(0);
  });
});
