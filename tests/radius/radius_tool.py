#!/usr/bin/env python3
"""A small, independent RADIUS peer for the end-to-end tests (RFC 2865/2866/
3579/5176, from hashlib and hmac only): a responder that answers brasd's
Access-Requests right or wrong on purpose (bad Response Authenticator, with or
without Message-Authenticator), and a CoA/Disconnect sender that can use any
source address. Not a RADIUS server: just enough to make the cases FreeRADIUS
will not produce.

  radius_tool.py respond --listen 127.0.0.1:11812 --secret S --mode good|bad-auth|no-ma|bad-ma [--log FILE]
  radius_tool.py dynamic --source 127.0.0.2 --to 127.0.0.1:3799 --secret S --code disconnect|coa ATTR=VALUE...
"""
import argparse, hashlib, hmac, os, socket, struct, sys, time

ATTR = {'User-Name': (1, 's'), 'Framed-IP-Address': (8, 'ip'), 'Session-Timeout': (27, 'i'),
        'Acct-Session-Id': (44, 's'), 'Event-Timestamp': (55, 'i'), 'Message-Authenticator': (80, 'b'),
        'Error-Cause': (101, 'i'), 'NAS-IP-Address': (4, 'ip'), 'Reply-Message': (18, 's')}


def encode_attr(t, v):
    return bytes([t, len(v) + 2]) + v


def value(kind, text):
    if kind == 's':
        return text.encode()
    if kind == 'i':
        return struct.pack('!I', int(text))
    if kind == 'ip':
        return socket.inet_aton(text)
    return bytes.fromhex(text)


def attrs_of(data):
    out, i = [], 20
    while i + 2 <= len(data):
        t, n = data[i], data[i + 1]
        if n < 2:
            break
        out.append((t, data[i + 2:i + n]))
        i += n
    return out


def with_ma(code, ident, auth, attrs, secret):
    """The packet with a Message-Authenticator over `auth` in the header (RFC 3579 §3.2)."""
    body = attrs + encode_attr(80, bytes(16))
    pkt = struct.pack('!BBH', code, ident, 20 + len(body)) + auth + body
    mac = hmac.new(secret, pkt, hashlib.md5).digest()
    return body[:-16] + mac


def respond(args):
    host, port = args.listen.rsplit(':', 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, int(port)))
    secret = args.secret.encode()
    log = open(args.log, 'a', buffering=1) if args.log else sys.stderr
    while True:
        data, peer = s.recvfrom(4096)
        if len(data) < 20:
            continue
        code, ident = data[0], data[1]
        req_auth = data[4:20]
        if code == 1 or code == 12:  # Access-Request, Status-Server
            reply_code = 2
            attrs = encode_attr(8, socket.inet_aton('100.64.77.7')) if code == 1 else b''
        elif code == 4:
            reply_code, attrs = 5, b''
        else:
            continue
        if args.mode in ('good', 'bad-auth', 'bad-ma') and reply_code == 2:
            attrs = with_ma(reply_code, ident, req_auth, attrs, secret)
            if args.mode == 'bad-ma':
                attrs = attrs[:-1] + bytes([attrs[-1] ^ 1])
        length = 20 + len(attrs)
        resp_auth = hashlib.md5(struct.pack('!BBH', reply_code, ident, length) + req_auth + attrs + secret).digest()
        if args.mode == 'bad-auth':
            resp_auth = bytes([resp_auth[0] ^ 0xff]) + resp_auth[1:]
        s.sendto(struct.pack('!BBH', reply_code, ident, length) + resp_auth + attrs, peer)
        print(f'answered code={code} id={ident} mode={args.mode}', file=log)


def dynamic(args):
    code = 40 if args.code == 'disconnect' else 43
    secret = args.secret.encode()
    attrs = b''
    for item in args.attrs:
        name, _, text = item.partition('=')
        t, kind = ATTR[name]
        attrs += encode_attr(t, value(kind, text))
    ident = os.getpid() & 0xff
    length = 20 + len(attrs)
    auth = hashlib.md5(struct.pack('!BBH', code, ident, length) + bytes(16) + attrs + secret).digest()
    if args.bad_authenticator:
        auth = bytes([auth[0] ^ 0xff]) + auth[1:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((args.source, 0))
    s.settimeout(args.timeout)
    host, port = args.to.rsplit(':', 1)
    s.sendto(struct.pack('!BBH', code, ident, length) + auth + attrs, (host, int(port)))
    try:
        data, _ = s.recvfrom(4096)
    except socket.timeout:
        print('timeout')
        return
    names = {41: 'Disconnect-ACK', 42: 'Disconnect-NAK', 44: 'CoA-ACK', 45: 'CoA-NAK'}
    check = hashlib.md5(data[:4] + auth + data[20:] + secret).digest()
    causes = [struct.unpack('!I', v)[0] for t, v in attrs_of(data) if t == 101 and len(v) == 4]
    print(names.get(data[0], str(data[0])), 'authentic' if check == data[4:20] else 'forged',
          ' '.join(f'Error-Cause={c}' for c in causes))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('respond')
    r.add_argument('--listen', required=True)
    r.add_argument('--secret', required=True)
    r.add_argument('--mode', choices=['good', 'bad-auth', 'no-ma', 'bad-ma'], required=True)
    r.add_argument('--log')
    d = sub.add_parser('dynamic')
    d.add_argument('--source', default='127.0.0.1')
    d.add_argument('--to', required=True)
    d.add_argument('--secret', required=True)
    d.add_argument('--code', choices=['disconnect', 'coa'], required=True)
    d.add_argument('--bad-authenticator', action='store_true')
    d.add_argument('--timeout', type=float, default=2.0)
    d.add_argument('attrs', nargs='*')
    a = p.parse_args()
    respond(a) if a.cmd == 'respond' else dynamic(a)


if __name__ == '__main__':
    main()
