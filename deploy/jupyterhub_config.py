"""JupyterHub for a clinic: every therapist logs in with their own name and password and gets the physio app
(Voilà) and JupyterLab, all working on ONE clinic database (PostgreSQL, PHYSIO_DATABASE_URL).

Started by `make hub` (scripts/hub.sh). Settings come from the environment:
  PHYSIO_DATABASE_URL     the clinic's database (required), postgresql://user:password@host:port/database
  PHYSIO_HUB_DIR          the hub's own state: its database, cookie secret, each therapist's folder (default .hub)
  PHYSIO_HUB_ADMINS       logins of the clinic leads who approve new accounts (comma-separated; default: admin)
  PHYSIO_HUB_IP / _PORT   where the hub listens (default 127.0.0.1:8000: only this computer; see README)
  PHYSIO_HUB_NOTEBOOKS    the notebooks served (default: the repository's notebooks/)
  PHYSIO_HUB_IDLE_MINUTES a therapist's server left idle this long is stopped (default 60)
Logins: jupyterhub-nativeauthenticator. A therapist signs up at /hub/signup; a lead approves at /hub/authorize.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUB_DIR = Path(os.environ.get("PHYSIO_HUB_DIR") or REPO / ".hub").resolve()
HUB_DIR.mkdir(parents=True, exist_ok=True)
PORT = int(os.environ.get("PHYSIO_HUB_PORT") or 8000)
DATABASE_URL = os.environ.get("PHYSIO_DATABASE_URL", "").strip()
if not DATABASE_URL:
    sys.exit("PHYSIO_DATABASE_URL is not set: the hub serves one clinic database, "
             "postgresql://user:password@host:port/database (see README, 'A clinic on one server')")
BIN = Path(sys.executable).parent

c = get_config()  # noqa: F821  (given by JupyterHub)

# ---- where it listens: this computer only unless the clinic decides otherwise (behind its TLS reverse proxy)
c.JupyterHub.ip = os.environ.get("PHYSIO_HUB_IP") or "127.0.0.1"
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = PORT + 2
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 1}"
c.ConfigurableHTTPProxy.command = [str(HUB_DIR / "node" / "node_modules" / ".bin" / "configurable-http-proxy")]
if not Path(c.ConfigurableHTTPProxy.command[0]).exists():
    c.ConfigurableHTTPProxy.command = [str(REPO / ".hub" / "node" / "node_modules" / ".bin" / "configurable-http-proxy")]

# ---- the hub's own state (users, sessions) on this server's disk; the clinic's records are in PostgreSQL
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "proxy.pid")

# ---- logins: each therapist their own name and password; a lead approves new accounts
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 300
admins = {a.strip() for a in (os.environ.get("PHYSIO_HUB_ADMINS") or "admin").split(",") if a.strip()}
c.Authenticator.admin_users = admins
c.Authenticator.allow_all = True  # every account a lead approved
c.JupyterHub.template_paths = [str(Path(__import__("nativeauthenticator").__file__).parent / "templates")]

# ---- each therapist's server: the app (Voilà) and JupyterLab, the clinic database in its environment.
# All servers run as the hub's own service user (one server, one clinic: the records are shared anyway);
# each therapist has a folder of their own for exported handouts.
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(HUB_DIR / "home" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = os.environ.get("PHYSIO_HUB_NOTEBOOKS") or str(REPO / "notebooks")
c.Spawner.default_url = "/voila/tree"  # the app; JupyterLab is at /lab
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.environment = {
    "PHYSIO_DATABASE_URL": DATABASE_URL,
    # each therapist's own folder for the handouts and workbooks they export
    "PHYSIO_WORKSPACE": lambda spawner: str(HUB_DIR / "home" / spawner.user.name / "workspace"),
    "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
}
for key in ("PHYSIO_PROTOCOLS", "PHYSIO_TODAY", "JUPYTER_PLATFORM_DIRS"):
    if os.environ.get(key):
        c.Spawner.environment[key] = os.environ[key]
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180

# ---- a server nobody has used for an hour (a browser closed at lunch, a therapist gone home) is stopped, so a
# clinic's day does not pile up Python processes on one machine; the records are in the database, nothing is lost
IDLE_S = int(float(os.environ.get("PHYSIO_HUB_IDLE_MINUTES") or 60) * 60)
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_S}",
                f"--cull-every={max(10, min(300, IDLE_S // 4))}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
