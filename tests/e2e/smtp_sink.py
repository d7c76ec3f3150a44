# SPDX-License-Identifier: MIT
"""An aiosmtpd handler for the end-to-end tests: writes each message it
accepts to a directory (one file per message and recipient) and refuses
the recipients it is told to, as a real server would (550)."""
import os
import uuid


class Sink:
    def __init__(self, outdir, reject=''):
        self.outdir = outdir
        self.reject = {a.strip().lower() for a in reject.split(',')
                       if a.strip()}

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address.lower() in self.reject:
            return ('550 5.1.1 <%s>: Recipient address rejected: '
                    'User unknown in virtual mailbox table' % address)
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            name = uuid.uuid4().hex
            tmp = os.path.join(self.outdir, '.' + name)
            with open(tmp, 'wb') as f:
                f.write(('X-Envelope-To: %s\r\n' % rcpt).encode())
                f.write(envelope.original_content)
            os.rename(tmp, os.path.join(self.outdir, name + '.eml'))
        return '250 2.0.0 Ok: queued'
