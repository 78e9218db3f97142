"""Records HINCRBYFLOAT results from a real redis-server: python3 generate-cases.py PORT > redis-7.0.15-hincrbyfloat.txt"""
import random, socket, sys

def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
def cmd(*a):
    s.sendall(enc(a))
    line = f.readline().rstrip(b"\r\n")
    if line[:1] == b"$":
        n = int(line[1:]); data = f.read(n + 2)[:-2]; return "=" + data.decode()
    return line.decode()

fixed = ["0", "1", "-1", "0.1", "0.2", "0.3", "1.1", "3.0", "10.5", "-0.5", "0.5", "1e308", "-1e308", "1e-20", "1.5e3",
         "0x10", "0x1.8p1", "1e4932", "1.18973149535723176502e+4932", "1e-4950", "3.14159265358979323846", "5.0e3",
         "2.0e2", "1.", ".5", "123456789012345678901234567890", "-123.456", "9223372036854775807", "7", "1e17",
         "12345678.87654321", "0.000001", "1e-10", "2.5e-5", "17179869184", "0.1e1", "100", "-100.25", "inf", "-inf",
         "1e5000", "1e-5000", "abc", " 1", "1 ", "nan", "+1.5", "0x", "1e", "1e+", "1.5e+2", "-0", "00012", "1e-4951"]
rnd = random.Random(11)
extra = []
for _ in range(150):
    k = rnd.choice(["int", "dec", "exp", "small"])
    if k == "int":
        extra.append(str(rnd.randint(-10**12, 10**12)))
    elif k == "dec":
        extra.append("%s%d.%0*d" % (rnd.choice(["", "-"]), rnd.randint(0, 10**6), rnd.randint(1, 12), rnd.randint(0, 10**12)))
    elif k == "exp":
        extra.append("%d.%de%d" % (rnd.randint(1, 9), rnd.randint(0, 99999), rnd.randint(-40, 40)))
    else:
        extra.append(str(rnd.random() * 10 ** rnd.randint(-5, 5)))
values = fixed + extra
print("# HSET k f <start>; HINCRBYFLOAT k f <incr> on redis-server 7.0.15. Columns: start<TAB>incr<TAB>reply")
print("# A reply starting with '=' is the bulk result, otherwise the error line.")
pairs = [(a, b) for a in fixed for b in fixed[:20]] + [(rnd.choice(values), rnd.choice(values)) for _ in range(800)]
for a, b in pairs:
    cmd("del", "ldk")
    cmd("hset", "ldk", "f", a)
    print("%s\t%s\t%s" % (a, b, cmd("hincrbyfloat", "ldk", "f", b)))
cmd("del", "ldk")
