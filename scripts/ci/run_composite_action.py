#!/usr/bin/env python3
"""Emulate a GitHub Actions runner executing a *composite* action (action.yml) locally.

Vendored from the project's shared client harnesses (tools/clients/), so that
CI does not depend on them at run time. Changes: PyYAML must be importable
(CI runs this with a venv's python), upload-sarif only checks that the file
is SARIF 2.1.0 JSON, and --runner-os/--runner-arch choose RUNNER_OS/ARCH.

Usage:
  run_composite_action.py ACTION_DIR [--workspace DIR] [--event pull_request|push]
        [--input key=value ...] [--env KEY=VALUE ...] [--base-ref BRANCH]
        [--repository owner/name] [--runner-os Linux|macOS|Windows]
        [--runner-arch X64|ARM64] [--keep] [--quiet]

What it does (see README.md for the exact limits):
  * parses ACTION_DIR/action.yml (or action.yaml); refuses non-composite actions
  * creates RUNNER_TEMP and per-step GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH /
    GITHUB_STEP_SUMMARY files, and a realistic event payload at GITHUB_EVENT_PATH
    (pull_request: base/head shas from the workspace git repo; push: before/after)
  * evaluates ${{ }} expressions: inputs.*, github.*, runner.*, env.*, steps.*,
    job.status, literals, == != < <= > >= && || ! ( ), and the functions
    always() success() failure() cancelled() contains() startsWith() endsWith()
    format() join() toJSON() fromJSON() hashFiles()
  * runs each `run:` step with its shell (bash/sh/python/pwsh-less custom "{0}" shells),
    env:, working-directory:, if:, continue-on-error:, id:
  * `uses:` steps: github/codeql-action/upload-sarif -> a SARIF 2.1.0 JSON check on sarif_file;
    actions/cache (and /restore, /save) -> no-op (cache-hit=false); others -> SKIPPED
  * applies GITHUB_ENV / GITHUB_PATH between steps; collects ::error/::warning/::notice
  * prints the action outputs, the step summary and the annotations; exits with the
    failing step's exit status (0 if every step succeeded)
"""
import argparse
import datetime
import glob
import hashlib
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid

import yaml  # PyYAML


# ----------------------------------------------------------------------------- expressions
TOKEN_RE = re.compile(r"""\s*(?:
    (?P<num>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))|
    (?P<str>'(?:[^']|'')*')|
    (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])|
    (?P<id>[A-Za-z_][A-Za-z0-9_-]*)
)""", re.X)


class ExprError(Exception):
    pass


def tokenize(s):
    pos, out = 0, []
    s = s.strip()
    while pos < len(s):
        m = TOKEN_RE.match(s, pos)
        if not m or m.end() == pos:
            if s[pos:].strip() == "":
                break
            raise ExprError(f"cannot parse expression at: {s[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def to_num(v):
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        t = v.strip()
        if t == "":
            return 0.0
        try:
            return float(int(t, 16)) if t.lower().startswith("0x") else float(t)
        except ValueError:
            return math.nan
    return math.nan


def truthy(v):
    if v is None or v is False or v == "":
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0 and not math.isnan(v)
    return True


def loose_eq(a, b):
    if type(a) is type(b) and not isinstance(a, (int, float)):
        if isinstance(a, str):
            return a.casefold() == b.casefold()
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return a is b
    return to_num(a) == to_num(b)


def to_str(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, indent=2)
    return str(v)


class Evaluator:
    def __init__(self, ctx, status_fn, workspace):
        self.ctx = ctx
        self.status = status_fn  # returns "success"|"failure"|"cancelled"
        self.workspace = workspace

    def eval(self, expr):
        self.toks = tokenize(expr)
        self.i = 0
        v = self.p_or()
        if self.i != len(self.toks):
            raise ExprError(f"unexpected token {self.toks[self.i][1]!r} in {expr!r}")
        return v

    def peek(self, val=None):
        if self.i < len(self.toks):
            t = self.toks[self.i]
            if val is None or (t[0] == "op" and t[1] == val):
                return t
        return None

    def take(self, val=None):
        t = self.peek(val)
        if t is None:
            raise ExprError(f"expected {val!r}")
        self.i += 1
        return t

    def p_or(self):
        v = self.p_and()
        while self.peek("||"):
            self.take()
            r = self.p_and()
            v = v if truthy(v) else r
        return v

    def p_and(self):
        v = self.p_cmp()
        while self.peek("&&"):
            self.take()
            r = self.p_cmp()
            v = r if truthy(v) else v
        return v

    def p_cmp(self):
        v = self.p_unary()
        while True:
            t = self.peek()
            if t and t[0] == "op" and t[1] in ("==", "!=", "<", "<=", ">", ">="):
                self.take()
                r = self.p_unary()
                op = t[1]
                if op == "==":
                    v = loose_eq(v, r)
                elif op == "!=":
                    v = not loose_eq(v, r)
                else:
                    if isinstance(v, str) and isinstance(r, str):
                        a, b = v.casefold(), r.casefold()
                    else:
                        a, b = to_num(v), to_num(r)
                    v = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
            else:
                return v

    def p_unary(self):
        if self.peek("!"):
            self.take()
            return not truthy(self.p_unary())
        return self.p_postfix()

    def p_postfix(self):
        v = self.p_primary()
        while True:
            if self.peek("."):
                self.take()
                t = self.take()
                if t[0] == "op" and t[1] == "*":
                    v = list(v.values()) if isinstance(v, dict) else (v if isinstance(v, list) else [])
                else:
                    v = self.index(v, t[1])
            elif self.peek("["):
                self.take()
                k = self.p_or()
                self.take("]")
                if isinstance(v, list) and isinstance(k, (int, float)) and not isinstance(k, bool):
                    v = v[int(k)] if 0 <= int(k) < len(v) else None
                else:
                    v = self.index(v, to_str(k))
            else:
                return v

    @staticmethod
    def index(v, key):
        if isinstance(v, dict):
            if key in v:
                return v[key]
            for k in v:  # contexts are case-insensitive
                if isinstance(k, str) and k.casefold() == str(key).casefold():
                    return v[k]
            return None
        if isinstance(v, list):  # object filter: list.prop
            return [Evaluator.index(x, key) for x in v]
        return None

    def p_primary(self):
        t = self.take()
        kind, val = t
        if kind == "num":
            return float(int(val, 16)) if val.lower().startswith("0x") else float(val)
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if kind == "op" and val == "(":
            v = self.p_or()
            self.take(")")
            return v
        if kind == "id":
            low = val.lower()
            if low == "true":
                return True
            if low == "false":
                return False
            if low == "null":
                return None
            if self.peek("("):
                self.take()
                args = []
                if not self.peek(")"):
                    args.append(self.p_or())
                    while self.peek(","):
                        self.take()
                        args.append(self.p_or())
                self.take(")")
                return self.call(low, args)
            return self.index(self.ctx, val)
        raise ExprError(f"unexpected token {val!r}")

    def call(self, name, a):
        st = self.status()
        if name == "always":
            return True
        if name == "success":
            return st == "success"
        if name == "failure":
            return st == "failure"
        if name == "cancelled":
            return st == "cancelled"
        if name == "contains":
            hay, needle = a[0], a[1]
            if isinstance(hay, list):
                return any(loose_eq(x, needle) for x in hay)
            return to_str(needle).casefold() in to_str(hay).casefold()
        if name == "startswith":
            return to_str(a[0]).casefold().startswith(to_str(a[1]).casefold())
        if name == "endswith":
            return to_str(a[0]).casefold().endswith(to_str(a[1]).casefold())
        if name == "format":
            s = to_str(a[0])
            s = s.replace("{{", "\x00").replace("}}", "\x01")
            s = re.sub(r"\{(\d+)\}", lambda m: to_str(a[1 + int(m.group(1))]), s)
            return s.replace("\x00", "{").replace("\x01", "}")
        if name == "join":
            sep = to_str(a[1]) if len(a) > 1 else ","
            return sep.join(to_str(x) for x in a[0]) if isinstance(a[0], list) else to_str(a[0])
        if name == "tojson":
            return json.dumps(a[0], indent=2)
        if name == "fromjson":
            return json.loads(to_str(a[0]))
        if name == "hashfiles":
            h = hashlib.sha256()
            files = []
            for pat in a:
                files += glob.glob(os.path.join(self.workspace, to_str(pat)), recursive=True)
            files = sorted(set(f for f in files if os.path.isfile(f)))
            if not files:
                return ""
            for f in files:
                h.update(hashlib.sha256(open(f, "rb").read()).digest())
            return h.hexdigest()
        raise ExprError(f"unsupported function {name}()")


EXPR_RE = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(s, ev):
    if s is None:
        return None
    if not isinstance(s, str):
        return to_str(s)
    return EXPR_RE.sub(lambda m: to_str(ev.eval(m.group(1))), s)


def eval_if(cond, ev):
    if cond is None:
        cond = "success()"
    if isinstance(cond, bool):
        cond = "true" if cond else "false"
    c = str(cond).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", c, re.S)
    if m:
        c = m.group(1).strip()
    if not re.search(r"\b(always|success|failure|cancelled)\s*\(", c):
        c = f"success() && ({c})"
    return truthy(ev.eval(c))


# ----------------------------------------------------------------------------- files
def parse_kv_file(path):
    """GITHUB_OUTPUT / GITHUB_ENV format: name=value lines and name<<DELIM heredocs."""
    out = {}
    if not os.path.exists(path):
        return out
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        m = re.match(r"^([^=<]+)<<(.+)$", line)
        if m:
            name, delim = m.group(1), m.group(2)
            buf = []
            while i < len(lines) and lines[i] != delim:
                buf.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"{path}: unterminated heredoc for {name} (delimiter {delim!r})")
            i += 1
            out[name] = "\n".join(buf)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        else:
            raise ValueError(f"{path}: invalid line {line!r}")
    return out


def git(ws, *args):
    try:
        return subprocess.run(["git", "-C", ws] + list(args), capture_output=True, text=True,
                              check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return ""


def make_event(args, ws, repo):
    owner, name = repo.split("/", 1)
    head_sha = git(ws, "rev-parse", "HEAD") or "0" * 40
    head_ref = git(ws, "rev-parse", "--abbrev-ref", "HEAD") or "feature"
    if head_ref == "HEAD":
        head_ref = "feature"
    base_ref = args.base_ref
    if not base_ref:
        for cand in ("main", "master"):
            if git(ws, "rev-parse", "--verify", "-q", cand) and cand != head_ref:
                base_ref = cand
                break
    base_sha = ""
    if base_ref:
        base_sha = git(ws, "merge-base", base_ref, "HEAD") or git(ws, "rev-parse", base_ref)
    if not base_sha:
        base_sha = git(ws, "rev-parse", "HEAD~1") or head_sha
        base_ref = base_ref or "main"
    repo_obj = {"id": 1, "name": name, "full_name": repo, "private": False,
                "owner": {"login": owner, "type": "Organization"},
                "html_url": f"https://github.com/{repo}", "default_branch": base_ref,
                "clone_url": f"https://github.com/{repo}.git"}
    sender = {"login": "octocat", "id": 1, "type": "User"}
    if args.event == "pull_request":
        commits = git(ws, "rev-list", "--count", f"{base_sha}..{head_sha}") or "1"
        ev = {"action": "synchronize", "number": 42,
              "pull_request": {
                  "number": 42, "state": "open", "title": "Emulated pull request", "draft": False,
                  "html_url": f"https://github.com/{repo}/pull/42", "user": sender,
                  "head": {"ref": head_ref, "sha": head_sha, "label": f"{owner}:{head_ref}", "repo": repo_obj},
                  "base": {"ref": base_ref, "sha": base_sha, "label": f"{owner}:{base_ref}", "repo": repo_obj},
                  "commits": int(commits), "merged": False},
              "repository": repo_obj, "sender": sender,
              "before": base_sha, "after": head_sha}
        env = {"GITHUB_BASE_REF": base_ref, "GITHUB_HEAD_REF": head_ref,
               "GITHUB_REF": "refs/pull/42/merge", "GITHUB_REF_NAME": "42/merge", "GITHUB_REF_TYPE": "branch",
               # real runners use the synthetic merge commit; we use the head commit
               "GITHUB_SHA": head_sha}
    else:
        ev = {"ref": f"refs/heads/{head_ref}", "before": base_sha, "after": head_sha,
              "created": False, "deleted": False, "forced": False,
              "head_commit": {"id": head_sha, "message": git(ws, "log", "-1", "--format=%s")},
              "repository": repo_obj, "sender": sender, "pusher": {"name": "octocat"}}
        env = {"GITHUB_BASE_REF": "", "GITHUB_HEAD_REF": "",
               "GITHUB_REF": f"refs/heads/{head_ref}", "GITHUB_REF_NAME": head_ref, "GITHUB_REF_TYPE": "branch",
               "GITHUB_SHA": head_sha}
    return ev, env


# ----------------------------------------------------------------------------- runner
SHELLS = {
    "bash": "bash --noprofile --norc -eo pipefail {0}",
    "sh": "sh -e {0}",
    "python": "python3 {0}",
    "pwsh": "pwsh -command . '{0}'",
}
EXT = {"python": ".py", "pwsh": ".ps1"}
CMD_RE = re.compile(r"^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action_dir")
    ap.add_argument("--workspace", default=os.getcwd())
    ap.add_argument("--event", default="pull_request", choices=["pull_request", "push"])
    ap.add_argument("--input", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--base-ref", default=None, help="base branch for pull_request (default main/master)")
    ap.add_argument("--repository", default=None, help="owner/name (default: emulated/<workspace dir name>)")
    ap.add_argument("--runner-os", default="Linux", choices=["Linux", "macOS", "Windows"])
    ap.add_argument("--runner-arch", default="X64", choices=["X64", "ARM64", "X86", "ARM"])
    ap.add_argument("--keep", action="store_true", help="keep RUNNER_TEMP and print its path")
    ap.add_argument("--quiet", action="store_true", help="do not echo step output")
    args = ap.parse_args()

    action_dir = os.path.abspath(args.action_dir)
    ws = os.path.abspath(args.workspace)
    meta_path = next((p for p in (os.path.join(action_dir, "action.yml"), os.path.join(action_dir, "action.yaml"))
                      if os.path.exists(p)), None)
    if not meta_path:
        print(f"no action.yml in {action_dir}", file=sys.stderr)
        return 2
    meta = yaml.safe_load(open(meta_path))
    runs = meta.get("runs") or {}
    if runs.get("using") != "composite":
        print(f"runs.using is {runs.get('using')!r}; only composite actions are emulated", file=sys.stderr)
        return 2

    given = {}
    for kv in args.input:
        k, _, v = kv.partition("=")
        given[k.strip()] = v
    inputs = {}
    declared = meta.get("inputs") or {}
    for k, spec in declared.items():
        spec = spec or {}
        if k in given:
            inputs[k] = given[k]
        elif "default" in spec:
            inputs[k] = None  # evaluated below (defaults may use expressions)
        else:
            if spec.get("required"):
                print(f"::warning::Input required and not supplied: {k}")
            inputs[k] = ""
    for k in given:
        if k not in declared:
            print(f"::warning::Unexpected input(s) '{k}', valid inputs are {list(declared)}")
            inputs[k] = given[k]

    repo = args.repository or f"emulated/{os.path.basename(ws) or 'repo'}"
    temp_root = tempfile.mkdtemp(prefix="runner-")
    runner_temp = os.path.join(temp_root, "_temp")
    tool_cache = os.path.join(temp_root, "_tool")
    for d in (runner_temp, tool_cache):
        os.makedirs(d)
    event, ref_env = make_event(args, ws, repo)
    event_path = os.path.join(temp_root, "_github_workflow", "event.json")
    os.makedirs(os.path.dirname(event_path))
    json.dump(event, open(event_path, "w"), indent=2)

    base_env = dict(os.environ)
    for kv in args.env:
        k, _, v = kv.partition("=")
        base_env[k] = v
    gh_env = {
        "CI": "true", "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": ws, "GITHUB_ACTION_PATH": action_dir,
        "GITHUB_EVENT_NAME": args.event, "GITHUB_EVENT_PATH": event_path,
        "GITHUB_REPOSITORY": repo, "GITHUB_REPOSITORY_OWNER": repo.split("/")[0],
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_GRAPHQL_URL": "https://api.github.com/graphql",
        "GITHUB_RUN_ID": "1000000001", "GITHUB_RUN_NUMBER": "1", "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_ACTOR": "octocat", "GITHUB_TRIGGERING_ACTOR": "octocat",
        "GITHUB_WORKFLOW": "emulated", "GITHUB_JOB": "scan",
        "GITHUB_ACTION": "__emulated_action", "GITHUB_ACTION_REPOSITORY": "",
        "GITHUB_RETENTION_DAYS": "90",
        "RUNNER_TEMP": runner_temp, "RUNNER_TOOL_CACHE": tool_cache, "RUNNER_OS": args.runner_os,
        "RUNNER_ARCH": args.runner_arch, "RUNNER_NAME": "emulated-runner", "RUNNER_ENVIRONMENT": "github-hosted",
        "RUNNER_DEBUG": base_env.get("RUNNER_DEBUG", ""),
    }
    gh_env.update(ref_env)

    github_ctx = {
        "action_path": action_dir, "workspace": ws, "event_name": args.event, "event": event,
        "event_path": event_path, "repository": repo, "repository_owner": repo.split("/")[0],
        "sha": gh_env["GITHUB_SHA"], "ref": gh_env["GITHUB_REF"], "ref_name": gh_env["GITHUB_REF_NAME"],
        "base_ref": gh_env["GITHUB_BASE_REF"], "head_ref": gh_env["GITHUB_HEAD_REF"],
        "server_url": gh_env["GITHUB_SERVER_URL"], "api_url": gh_env["GITHUB_API_URL"],
        "run_id": gh_env["GITHUB_RUN_ID"], "run_number": gh_env["GITHUB_RUN_NUMBER"],
        "run_attempt": "1", "actor": "octocat", "job": "scan", "workflow": "emulated",
        "action": gh_env["GITHUB_ACTION"], "token": base_env.get("GITHUB_TOKEN", "emulated-token"),
        "action_repository": "", "action_ref": "", "retention_days": "90",
    }
    runner_ctx = {"temp": runner_temp, "tool_cache": tool_cache, "os": args.runner_os, "arch": args.runner_arch,
                  "name": "emulated-runner", "environment": "github-hosted", "debug": ""}
    job_env = {}          # accumulated GITHUB_ENV
    path_add = []         # accumulated GITHUB_PATH (most recent first)
    steps_ctx = {}
    ctx = {"inputs": inputs, "github": github_ctx, "runner": runner_ctx, "env": job_env,
           "steps": steps_ctx, "job": {"status": "success"}, "secrets": {}, "matrix": {}, "strategy": {},
           "vars": {}}
    state = {"status": "success", "exit": 0, "failed_step": None}
    ev = Evaluator(ctx, lambda: state["status"], ws)

    for k, spec in declared.items():
        if inputs.get(k) is None and k not in given:
            inputs[k] = interpolate((spec or {}).get("default", ""), ev)

    annotations = []
    summaries = []
    masks = []

    def note(kind, props, msg, step_name):
        annotations.append((kind, props, msg, step_name))

    def mask(s):
        for m in masks:
            if m:
                s = s.replace(m, "***")
        return s

    print(f"== emulating composite action {meta.get('name', '?')!r} from {meta_path}")
    print(f"   workspace={ws} event={args.event} sha={gh_env['GITHUB_SHA'][:12]} "
          f"base={github_ctx['event'].get('pull_request', {}).get('base', {}).get('sha', '')[:12]} "
          f"RUNNER_TEMP={runner_temp}")
    print(f"   inputs={json.dumps(inputs)}")

    for idx, step in enumerate(runs.get("steps") or []):
        sid = step.get("id") or f"__step{idx}"
        label = step.get("name") or step.get("id") or (step.get("uses") or (step.get("run") or "").strip().split("\n")[0])[:60]
        try:
            label = interpolate(label, ev)
            run_it = eval_if(step.get("if"), ev)
        except ExprError as e:
            print(f"##[error] step {idx} {label!r}: bad if expression: {e}")
            state.update(status="failure", exit=state["exit"] or 1, failed_step=state["failed_step"] or label)
            steps_ctx[sid] = {"outputs": {}, "outcome": "failure", "conclusion": "failure"}
            continue
        if not run_it:
            why = step.get('if') if step.get('if') is not None else "implicit success(); an earlier step failed"
            print(f"-- step {idx}: {label} -- SKIPPED (if: {why})")
            steps_ctx[sid] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            continue

        files = {}
        for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_STATE"):
            p = os.path.join(runner_temp, "_runner_file_commands", f"{key.lower()}_{uuid.uuid4()}")
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").close()
            files[key] = p

        rc = 0
        outputs = {}
        try:
            step_env = {k: interpolate(v, ev) for k, v in (step.get("env") or {}).items()}
        except ExprError as e:
            print(f"##[error] {label}: {e}")
            step_env, rc = {}, 1
        env = dict(base_env)
        env.update(gh_env)
        env.update(job_env)
        env.update(step_env)
        env.update(files)
        env["PATH"] = os.pathsep.join(path_add + [env.get("PATH", "")])

        if rc:
            pass
        elif "uses" in step:
            uses = interpolate(step["uses"], ev)
            with_ = {k: interpolate(v, ev) for k, v in (step.get("with") or {}).items()}
            name = uses.split("@")[0].lower()
            print(f"-- step {idx}: {label} (uses: {uses})")
            if name == "github/codeql-action/upload-sarif":
                sf = with_.get("sarif_file") or "../results"
                sf = sf if os.path.isabs(sf) else os.path.join(ws, sf)
                targets = sorted(glob.glob(os.path.join(sf, "**", "*.sarif"), recursive=True)) if os.path.isdir(sf) else [sf]
                if not targets or not all(os.path.exists(t) for t in targets):
                    print(f"##[error]Path does not exist: {sf}")
                    rc = 1
                for t in targets if rc == 0 else []:
                    print(f"   EMULATED upload-sarif: checking {t} (category={with_.get('category', '')!r})")
                    try:
                        ok = json.load(open(t)).get("version") == "2.1.0"
                    except (OSError, ValueError, AttributeError):
                        ok = False
                    if not ok:
                        rc = 1
                        note("error", "", f"upload-sarif: {t} is not SARIF 2.1.0 JSON", label)
                outputs["sarif-id"] = "emulated-" + uuid.uuid4().hex[:8]
            elif name in ("actions/cache", "actions/cache/restore", "actions/cache/save"):
                print(f"   EMULATED {name}: no-op (key={with_.get('key', '')!r}, path={with_.get('path', '')!r})")
                if name != "actions/cache/save":
                    outputs["cache-hit"] = "false"
                    outputs["cache-primary-key"] = with_.get("key", "")
            else:
                print(f"   SKIPPED uses: {uses}")
        elif "run" in step:
            try:
                script = interpolate(step["run"], ev)
                shell = interpolate(step.get("shell"), ev)
                wd = interpolate(step.get("working-directory"), ev)
            except ExprError as e:
                print(f"##[error] {label}: {e}")
                script, rc = "", 1
            if not rc:
                if not shell:
                    print(f"##[error] {label}: composite run steps require 'shell'")
                    rc = 1
            if not rc:
                tmpl = SHELLS.get(shell, shell)
                if "{0}" not in tmpl:
                    tmpl += " {0}"
                sp = os.path.join(runner_temp, f"{uuid.uuid4()}{EXT.get(shell.split()[0], '.sh')}")
                with open(sp, "w") as f:
                    f.write(script)
                cwd = ws if not wd else (wd if os.path.isabs(wd) else os.path.join(ws, wd))
                cmd = [a.replace("{0}", sp) for a in shlex.split(tmpl)]
                print(f"-- step {idx}: {label}  [{' '.join(cmd[:-1])} ; cwd={cwd}]")
                try:
                    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT, text=True, errors="replace")
                except (FileNotFoundError, NotADirectoryError) as e:
                    print(f"##[error] {label}: {e}")
                    rc = 1
                else:
                    for line in proc.stdout:
                        line = line.rstrip("\n")
                        m = CMD_RE.match(line)
                        if m:
                            cmd_name, props, msg = m.group(1).lower(), m.group(2) or "", m.group(3)
                            if cmd_name in ("error", "warning", "notice"):
                                note(cmd_name, props, msg, label)
                            elif cmd_name == "add-mask":
                                masks.append(msg)
                                continue
                            elif cmd_name == "set-output":
                                pm = re.search(r"name=([^,]+)", props)
                                if pm:
                                    outputs[pm.group(1)] = msg
                        if not args.quiet:
                            print("   | " + mask(line))
                    rc = proc.wait()
        else:
            print(f"##[error] step {idx} has neither run nor uses")
            rc = 1

        try:
            outputs.update(parse_kv_file(files["GITHUB_OUTPUT"]))
            new_env = parse_kv_file(files["GITHUB_ENV"])
        except ValueError as e:
            print(f"##[error] {e}")
            new_env, rc = {}, rc or 1
        job_env.update(new_env)
        for p in reversed([l.strip() for l in open(files["GITHUB_PATH"]).read().splitlines() if l.strip()]):
            path_add.insert(0, p)
        summ = open(files["GITHUB_STEP_SUMMARY"]).read()
        if summ:
            summaries.append(summ)

        outcome = "success" if rc == 0 else "failure"
        coe = step.get("continue-on-error", False)
        try:
            coe = truthy(ev.eval(EXPR_RE.sub(lambda m: m.group(1), coe))) if isinstance(coe, str) else bool(coe)
        except ExprError:
            coe = False
        conclusion = "success" if (rc == 0 or coe) else "failure"
        steps_ctx[sid] = {"outputs": outputs, "outcome": outcome, "conclusion": conclusion}
        print(f"   => exit {rc}, outcome={outcome}, conclusion={conclusion}"
              + (f", outputs={json.dumps(outputs)}" if outputs else ""))
        if conclusion == "failure" and state["status"] == "success":
            state.update(status="failure", exit=rc, failed_step=label)
            ctx["job"]["status"] = "failure"

    # ---- report
    print("\n== action outputs")
    for k, spec in (meta.get("outputs") or {}).items():
        try:
            val = interpolate((spec or {}).get("value", ""), ev)
        except ExprError as e:
            val = f"<expression error: {e}>"
        print(f"{k}={val}")
    print("\n== step summary (GITHUB_STEP_SUMMARY)")
    print("".join(summaries) if summaries else "(empty)")
    print("== annotations")
    if not annotations:
        print("(none)")
    for kind, props, msg, step_name in annotations:
        print(f"{kind.upper()} [{step_name}] {props + ': ' if props else ''}{mask(msg)}")
    if state["status"] == "success":
        print("\n== RESULT: success (exit 0)")
    else:
        print(f"\n== RESULT: failure in step {state['failed_step']!r} (exit {state['exit']})")
    if args.keep:
        print(f"RUNNER_TEMP kept at {runner_temp}")
    else:
        shutil.rmtree(temp_root, ignore_errors=True)
    return state["exit"] if state["status"] != "success" else 0


if __name__ == "__main__":
    sys.exit(main())
