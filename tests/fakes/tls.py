"""A throwaway certificate authority for HTTPS fake servers (valid 2000-2125, EC P-256).

The leaf certificate is for ``news.example`` only. Tests point that name at 127.0.0.1 through the
client's resolver and trust :data:`CA_PEM` through :func:`client_context`, so HTTPS, SNI and
hostname verification run for real without touching the network. The keys are public test data.
"""

from __future__ import annotations

import os
import ssl
import tempfile

HOSTNAME = "news.example"

CA_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIBATAKBggqhkjOPQQDAjAmMSQwIgYDVQQDDBtmYWN0Y2hl
Y2std29ya2JlbmNoIHRlc3QgQ0EwIBcNMDAwMTAxMDAwMDAwWhgPMjEyNTAxMDEw
MDAwMDBaMCYxJDAiBgNVBAMMG2ZhY3RjaGVjay13b3JrYmVuY2ggdGVzdCBDQTBZ
MBMGByqGSM49AgEGCCqGSM49AwEHA0IABLBbzPwBy6J59PSIKL/2FQ3l5bKwa/xS
yaaupJKEPvxBTzijifq/Pt1aE8sr1SyaFFpx4VG3p9G2CjIA0IQ7Kc2jQjBAMA8G
A1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBRYiQQtk4hJ
5mst8Y6jF2P8B7UnPzAKBggqhkjOPQQDAgNHADBEAiAxqNmDneFI+sSD37cxiH1N
r0AKTAJq4L2Zz+zHDnvAugIgQ3eWJmHskPkL665nf7mIBGrcV3YdcS7V7TkD7P5f
TI0=
-----END CERTIFICATE-----
"""

CERT_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBuzCCAWGgAwIBAgIBAjAKBggqhkjOPQQDAjAmMSQwIgYDVQQDDBtmYWN0Y2hl
Y2std29ya2JlbmNoIHRlc3QgQ0EwIBcNMDAwMTAxMDAwMDAwWhgPMjEyNTAxMDEw
MDAwMDBaMBcxFTATBgNVBAMMDG5ld3MuZXhhbXBsZTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABPJ5bFmn1Ck3iTb+Ie1vWX8n2CAemXRUvLOgNczWxOiKWLXrkajE
g5GAHVloyKnBASl8il1RWqsXZi33GviqNQOjgYwwgYkwCQYDVR0TBAIwADAOBgNV
HQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwFwYDVR0RBBAwDoIMbmV3
cy5leGFtcGxlMB8GA1UdIwQYMBaAFFiJBC2TiEnmay3xjqMXY/wHtSc/MB0GA1Ud
DgQWBBQ/A6yyfcVHNYhmAcqPljlWYYnTWjAKBggqhkjOPQQDAgNIADBFAiEAzpfW
yiys6KQNPW7Dl2g8R8N/eI4bEy0//pjMimbyFawCIA/ZLsY0JDsCQbGCjwywW30o
2Mg6US5gNck8E/OECX71
-----END CERTIFICATE-----
"""

KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPiaIz15iZkEfpUHJ
lsc82UBVBHHwPEiOkvdbnZYzWuuhRANCAATyeWxZp9QpN4k2/iHtb1l/J9ggHpl0
VLyzoDXM1sToili165GoxIORgB1ZaMipwQEpfIpdUVqrF2Yt9xr4qjUD
-----END PRIVATE KEY-----
"""


def server_context() -> ssl.SSLContext:
    """A server-side context presenting the news.example certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(CERT_PEM + KEY_PEM)
        context.load_cert_chain(path)
    finally:
        os.unlink(path)
    return context


def client_context() -> ssl.SSLContext:
    """A client context that trusts only the test CA (hostname checks on, as by default)."""
    return ssl.create_default_context(cadata=CA_PEM)
