#!/usr/bin/env python3
"""The README's run command as a new user meets it, timed.

Clones the repository's HEAD into a temporary folder (so the first build is part of the run), optionally removes
redis-server first (--remove-redis, needs root: scripts/run.sh must then install it), runs scripts/run.sh there and
prints, in seconds from the command: when the URL and first sign-in were printed, when the signed-in Overview served
live numbers (it signs in over HTTP as a browser does, with the antiforgery token, and reads the Overview's HTML until
it carries a rate), then sends Ctrl+C (SIGINT to the process group) after --hold seconds and reports how long the
exit took and whether any process of it is left. Needs ports 8080, 4317, 4318 and 5080 free.
"""
import argparse, http.cookiejar, os, re, signal, subprocess, sys, tempfile, threading, time, urllib.parse, urllib.request

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--remove-redis", action="store_true", help="apt-get remove redis-server before the run")
parser.add_argument("--hold", type=float, default=10, help="seconds to keep it running after the live numbers")
parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds")
args = parser.parse_args()

repo = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True).stdout.strip()
folder = tempfile.mkdtemp(prefix="observability-first-run-")
subprocess.run(["git", "clone", "-q", repo, folder], check=True)
if args.remove_redis:
    subprocess.run(["apt-get", "remove", "-y", "-qq", "redis-server"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

started = time.time()
def elapsed():
    return time.time() - started
def say(message):
    print(f"{elapsed():7.1f} s  {message}", flush=True)

def own_session():
    # Its own process group, with SIGINT at its default: a terminal's Ctrl+C reaches the whole group like this.
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)

process = subprocess.Popen(["bash", "scripts/run.sh"], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           preexec_fn=own_session, text=True, bufsize=1)
lines = []
output_path = os.path.join(folder, "run-output.txt")
def read_output():
    with open(output_path, "w") as log:
        for line in process.stdout:
            lines.append(line)
            log.write(f"{elapsed():7.1f} {line}")
            log.flush()
threading.Thread(target=read_output, daemon=True).start()

def stop(reason, code):
    say(reason)
    os.killpg(process.pid, signal.SIGKILL)
    print(f"output: {output_path}")
    sys.exit(code)

url = password = None
while password is None:
    for line in list(lines):
        if url is None and (match := re.search(r"Observability dashboard: (http://\S+)", line)):
            url = match.group(1)
        if match := re.search(r"First sign-in: user admin, password (\S+)", line):
            password = match.group(1)
    if process.poll() is not None:
        stop(f"the command exited with {process.returncode} before printing the sign-in", 1)
    if elapsed() > args.timeout:
        stop("no sign-in printed in time", 1)
    time.sleep(0.1)
say(f"URL and first sign-in printed ({url})")

browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
form = browser.open(url + "/signin").read().decode()
token = re.search(r'name="__RequestVerificationToken"[^>]*value="([^"]+)"', form).group(1)
browser.open(url + "/account/signin", urllib.parse.urlencode(
    {"__RequestVerificationToken": token, "name": "admin", "password": password, "returnUrl": "/"}).encode())
while True:
    html = browser.open(url + "/").read().decode()
    rate = re.search(r'data-testid="rate"[^>]*>([^<]*)<', html)
    if rate and "requests/s" in rate.group(1):
        p99 = re.search(r'data-testid="p99"[^>]*>([^<]*)<', html)
        say(f"signed-in Overview with live numbers: {rate.group(1)}; {p99.group(1) if p99 else ''}")
        break
    if elapsed() > args.timeout:
        stop("no live numbers on the Overview in time", 1)
    time.sleep(0.5)

def ours():
    """Processes of the run: in its session, or with the clone's folder or the workload's PostgreSQL folder (which may be
    outside the clone, see docs/workload.md) on their command line."""
    places = [folder] + [m.group(1) for line in list(lines) if (m := re.search(r"files in (\S+)\)", line))]
    table = subprocess.run(["ps", "-eo", "pid=,sid=,args="], capture_output=True, text=True).stdout.splitlines()
    rows = [line.split(None, 2) for line in table if line.strip()]
    return {int(row[0]): row[2] if len(row) > 2 else "" for row in rows
            if int(row[1]) == process.pid or (len(row) > 2 and any(place in row[2] for place in places))}

time.sleep(args.hold)
running = ours()
say(f"{len(running)} processes of the run before Ctrl+C (the dashboard, the workload's services, PostgreSQL, Redis, ...)")
asked = time.time()
os.killpg(process.pid, signal.SIGINT)
process.wait(timeout=60)
say(f"Ctrl+C: exited with code {process.returncode} in {time.time() - asked:.1f} s")
time.sleep(1)
still = ours()
left = "; ".join(f"{pid} {args_}" for pid, args_ in running.items() if pid in still)
say("left running: " + (left or "nothing"))
print(f"output: {output_path}")
sys.exit(0 if not left and process.returncode == 0 else 1)
