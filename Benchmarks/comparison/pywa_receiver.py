"""The reference receiver for Benchmarks/run-comparison.sh: Meta's signed webhook deliveries received the way a
Python team would build it with pywa, FastAPI and uvicorn, storing each one before answering 200.

    uvicorn pywa_receiver:app --app-dir Benchmarks/comparison [--workers 2]   serves POST/GET /webhooks/whatsapp
    python pywa_receiver.py reset                                              drops and creates the reference's tables
    python pywa_receiver.py count                                              prints what they hold, as JSON

Environment: REFERENCE_DATABASE (a SQLite file path, or a postgres:// URL), REFERENCE_APP_SECRET, REFERENCE_PHONE_ID,
REFERENCE_PG_POOL (connections per worker process, default 8).

pywa verifies X-Hub-Signature-256 with the app secret (`validate_updates`) and parses the update into a
`types.Message`; the `on_message` handler stores the raw delivery, upserts the contact, upserts the conversation
(unread + 1, last message time) and inserts the message, in one transaction (sqlite3 or psycopg), before the route
answers. The route is pywa's own FastAPI route rewritten through pywa's documented hooks for custom servers
(`webhook_update_handler`), for one reason: pywa logs a handler's exception and answers 200 anyway, so a delivery
whose transaction failed would be acknowledged and lost; here it is answered 500, and Meta delivers it again.
The tables are the reference's own (pywa_*), in the same SQLite file or PostgreSQL database Switchboard uses."""

import contextlib
import datetime
import json
import os
import sqlite3
import sys
import threading

DATABASE = os.environ.get("REFERENCE_DATABASE", "")
POSTGRES = DATABASE.startswith(("postgres://", "postgresql://"))
WEBHOOK_PATH = "/webhooks/whatsapp"

TABLES = ["pywa_messages", "pywa_conversations", "pywa_contacts", "pywa_webhook_deliveries"]


def schema() -> list[str]:
    key = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" if POSTGRES else "INTEGER PRIMARY KEY"
    at = "TIMESTAMPTZ" if POSTGRES else "TEXT"
    return [
        f"CREATE TABLE pywa_webhook_deliveries (id {key}, received_at {at} NOT NULL, signature TEXT, body TEXT NOT NULL)",
        f"""CREATE TABLE pywa_contacts (id {key}, phone_number_id TEXT NOT NULL, wa_id TEXT NOT NULL, profile_name TEXT,
            created_at {at} NOT NULL, updated_at {at} NOT NULL, UNIQUE (phone_number_id, wa_id))""",
        f"""CREATE TABLE pywa_conversations (id {key}, phone_number_id TEXT NOT NULL,
            contact_id BIGINT NOT NULL REFERENCES pywa_contacts (id), last_message_at {at} NOT NULL,
            unread_count INTEGER NOT NULL, created_at {at} NOT NULL, updated_at {at} NOT NULL,
            UNIQUE (phone_number_id, contact_id))""",
        f"""CREATE TABLE pywa_messages (id {key}, phone_number_id TEXT NOT NULL, wamid TEXT NOT NULL,
            conversation_id BIGINT NOT NULL REFERENCES pywa_conversations (id),
            contact_id BIGINT NOT NULL REFERENCES pywa_contacts (id), direction TEXT NOT NULL, type TEXT NOT NULL,
            content TEXT NOT NULL, sent_at {at} NOT NULL, created_at {at} NOT NULL, UNIQUE (phone_number_id, wamid))""",
        "CREATE INDEX ix_pywa_messages_conversation ON pywa_messages (conversation_id, created_at)",
        "CREATE INDEX ix_pywa_conversations_list ON pywa_conversations (phone_number_id, last_message_at)",
    ]


# The transaction, in psycopg's placeholder style (turned into sqlite3's below).
STORE = [
    "INSERT INTO pywa_webhook_deliveries (received_at, signature, body) VALUES (%s, %s, %s)",
    """INSERT INTO pywa_contacts (phone_number_id, wa_id, profile_name, created_at, updated_at) VALUES (%s, %s, %s, %s, %s)
       ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET profile_name = excluded.profile_name, updated_at = excluded.updated_at
       RETURNING id""",
    """INSERT INTO pywa_conversations (phone_number_id, contact_id, last_message_at, unread_count, created_at, updated_at)
       VALUES (%s, %s, %s, 0, %s, %s)
       ON CONFLICT (phone_number_id, contact_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id""",
    """INSERT INTO pywa_messages (phone_number_id, wamid, conversation_id, contact_id, direction, type, content, sent_at,
       created_at) VALUES (%s, %s, %s, %s, 'inbound', %s, %s, %s, %s) ON CONFLICT (phone_number_id, wamid) DO NOTHING
       RETURNING id""",
    # Only a new message counts as unread (Meta delivers again what was not answered 200).
    """UPDATE pywa_conversations SET unread_count = unread_count + 1, updated_at = %s,
       last_message_at = CASE WHEN last_message_at < %s THEN %s ELSE last_message_at END WHERE id = %s""",
]


class Store:
    """One transaction per delivery: sqlite3 with a connection per thread, or a psycopg connection pool."""

    def __init__(self):
        self.local = threading.local()
        self.pool = None
        self.sql = STORE if POSTGRES else [s.replace("%s", "?") for s in STORE]

    def open(self) -> None:
        if POSTGRES:
            from psycopg_pool import ConnectionPool
            size = int(os.environ.get("REFERENCE_PG_POOL", "8"))
            self.pool = ConnectionPool(DATABASE, min_size=size, max_size=size, open=True)
            self.pool.wait()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def stamp(self, value: datetime.datetime):
        return value if POSTGRES else value.isoformat()

    @contextlib.contextmanager
    def transaction(self):
        if POSTGRES:
            with self.pool.connection() as conn, conn.transaction():
                yield conn
            return
        conn = getattr(self.local, "conn", None)
        if conn is None:
            # The same settings as Switchboard's SQLite: WAL, synchronous=NORMAL. 30 s of waiting for the write lock.
            conn = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self.local.conn = conn
        conn.execute("BEGIN IMMEDIATE")  # take the write lock first: a read-then-write upgrade could fail outright
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def save(self, msg, body: bytes, signature: str | None) -> None:
        now = datetime.datetime.now(datetime.timezone.utc)
        phone, sent = msg.metadata.phone_number_id, msg.timestamp
        content = json.dumps({"text": msg.text} if msg.text is not None else msg.raw["entry"][0]["changes"][0]["value"]["messages"][0])
        deliveries, contacts, conversations, messages, unread = self.sql
        t = self.stamp
        with self.transaction() as db:
            db.execute(deliveries, (t(now), signature, body.decode()))
            contact = db.execute(contacts, (phone, msg.from_user.wa_id, msg.from_user.name, t(now), t(now))).fetchone()[0]
            conversation = db.execute(conversations, (phone, contact, t(sent), t(now), t(now))).fetchone()[0]
            inserted = db.execute(messages, (phone, msg.id, conversation, contact, str(msg.type), content, t(sent), t(now))).fetchone()
            if inserted is not None:
                db.execute(unread, (t(now), t(sent), t(sent), conversation))

    def reset(self) -> None:
        self.open()
        with self.transaction() as db:
            for table in TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in schema():
                db.execute(statement)
        self.close()

    def count(self) -> dict:
        self.open()
        with self.transaction() as db:
            row = db.execute("""SELECT (SELECT count(*) FROM pywa_webhook_deliveries),
                (SELECT count(*) FROM pywa_messages WHERE direction = 'inbound'), (SELECT count(*) FROM pywa_contacts),
                (SELECT count(*) FROM pywa_conversations), (SELECT coalesce(sum(unread_count), 0) FROM pywa_conversations)""").fetchone()
        self.close()
        return dict(zip(["deliveries", "messages", "contacts", "conversations", "unread"], map(int, row)))


store = Store()


def build_app():
    import fastapi
    from fastapi.responses import PlainTextResponse
    from pywa import WhatsApp, types, utils

    # server=None: pywa's mode for a server whose routes the application writes (see the module's docstring).
    wa = WhatsApp(phone_id=os.environ["REFERENCE_PHONE_ID"], token="reference-receives-only", server=None,
                  verify_token="reference-verify-token", app_secret=os.environ["REFERENCE_APP_SECRET"], validate_updates=True)
    outcome = threading.local()  # pywa calls the handler on the route's own thread

    @wa.on_message()
    def store_message(_: WhatsApp, msg: types.Message) -> None:
        try:
            store.save(msg, msg.raw.raw, msg.raw.hmac_header)
        except BaseException as failure:
            outcome.failure = failure
            raise

    @contextlib.asynccontextmanager
    async def lifespan(_):
        store.open()
        yield
        store.close()

    app = fastapi.FastAPI(lifespan=lifespan)

    async def raw_body(request: fastapi.Request) -> bytes:
        return await request.body()

    @app.get(WEBHOOK_PATH)
    def challenge(vt: str = fastapi.Query(alias=utils.HUB_VT), ch: str = fastapi.Query(alias=utils.HUB_CH)):
        content, status = wa.webhook_challenge_handler(vt=vt, ch=ch)
        return PlainTextResponse(content, status)

    # A plain `def`: FastAPI runs it on its thread pool, as pywa's own route is run; sqlite3 and psycopg block.
    @app.post(WEBHOOK_PATH)
    def webhook(update: bytes = fastapi.Depends(raw_body),
                signature: str | None = fastapi.Header(None, alias=utils.HUB_SIG)):
        outcome.failure = None
        content, status = wa.webhook_update_handler(update=update, hmac_header=signature)
        if outcome.failure is not None:
            return PlainTextResponse(f"not stored: {type(outcome.failure).__name__}", 500)
        return PlainTextResponse(content, status)

    return app


if __name__ == "__main__":
    if sys.argv[1:] == ["reset"]:
        store.reset()
    elif sys.argv[1:] == ["count"]:
        print(json.dumps(store.count()))
    else:
        sys.exit(__doc__)
else:
    app = build_app()
