"""pywa, the Python WhatsApp Cloud API client, driven against the Switchboard sandbox.

Run by scripts/pywa-check.sh, which starts the sandbox and sets SANDBOX_URL, SANDBOX_PHONE_ID and
SANDBOX_TOKEN. pywa has no base-URL option, so each client's Graph session is pointed at the sandbox
after construction.
"""

import os

import httpx
import pytest
from pywa import WhatsApp, errors
from pywa.types.templates import (
    BodyText,
    ParamFormat,
    Template,
    TemplateCategory,
    TemplateLanguage,
)

SANDBOX_URL = os.environ["SANDBOX_URL"]
PHONE_ID = os.environ["SANDBOX_PHONE_ID"]
TOKEN = os.environ["SANDBOX_TOKEN"]
USER = "16505551234"


def client(token: str = TOKEN) -> WhatsApp:
    wa = WhatsApp(phone_id=PHONE_ID, token=token, waba_id=waba_id())
    wa.api._session.base_url = f"{SANDBOX_URL}/v23.0"
    return wa


def waba_id() -> str:
    return httpx.get(f"{SANDBOX_URL}/sandbox/numbers/{PHONE_ID}").json()["wabaId"]


@pytest.fixture(scope="module", autouse=True)
def open_window():
    """A user message opens the 24-hour window that free-form sends need."""
    answer = httpx.post(
        f"{SANDBOX_URL}/sandbox/inbound",
        json={"phoneNumberId": PHONE_ID, "from": USER, "type": "text", "text": {"body": "hi"}},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["wamid"].startswith("wamid.")


def test_text():
    sent = client().send_message(to=USER, text="Hello from pywa")
    assert sent.id.startswith("wamid.")


def test_image_by_link():
    sent = client().send_image(to=USER, image="https://example.com/cat.png", caption="a cat")
    assert sent.id.startswith("wamid.")


def test_document_upload_then_send_by_id():
    wa = client()
    media = wa.upload_media(media=b"%PDF-1.4 sandbox", mime_type="application/pdf", filename="report.pdf")
    assert media.id.isdigit()
    sent = wa.send_document(to=USER, document=media.id, filename="report.pdf", caption="the report")
    assert sent.id.startswith("wamid.")
    assert wa.get_media_url(media.id).mime_type == "application/pdf"


def test_hello_world_template():
    sent = client().send_template(to=USER, name="hello_world", language=TemplateLanguage.ENGLISH_US)
    assert sent.id.startswith("wamid.")


def created_template(wa: WhatsApp) -> None:
    wa.create_template(
        template=Template(
            name="pywa_order_update",
            category=TemplateCategory.UTILITY,
            language=TemplateLanguage.ENGLISH_US,
            parameter_format=ParamFormat.POSITIONAL,
            components=[BodyText("Order {{1}} arrives {{2}}.", "A-1", "today")],
        )
    )


def test_created_template_with_parameters():
    wa = client()
    created_template(wa)
    sent = wa.send_template(
        to=USER,
        name="pywa_order_update",
        language=TemplateLanguage.ENGLISH_US,
        params=[BodyText.params("B-2", "tomorrow")],
    )
    assert sent.id.startswith("wamid.")

    with pytest.raises(errors.TemplateParamCountMismatch):
        wa.send_template(
            to=USER,
            name="pywa_order_update",
            language=TemplateLanguage.ENGLISH_US,
            params=[BodyText.params("only one")],
        )


def test_unknown_template():
    with pytest.raises(errors.TemplateNotExists):
        client().send_template(to=USER, name="no_such_template", language=TemplateLanguage.ENGLISH_US)


def test_bad_token_is_an_authorization_error():
    with pytest.raises(errors.AuthorizationError) as raised:
        client(token="not-a-valid-token").send_message(to=USER, text="hi")
    assert isinstance(raised.value, errors.ExpiredAccessToken)
    assert raised.value.code == 190


def test_outside_the_window_is_a_reengagement_error():
    with pytest.raises(errors.ReEngagementMessage):
        client().send_message(to="4915100000000", text="hi")
