import json


class JsonRpcMixin:
    """Calls the ORM over real HTTP, as the web client does.

    Mixed into an ``HttpCase``: authenticate first with
    ``self.authenticate(login, password)``.
    """

    def _call_kw(self, model, method, *args, **kwargs):
        """The decoded JSON-RPC answer of ``/web/dataset/call_kw``."""
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def rpc(self, model, method, *args, **kwargs):
        """The result of a call that must succeed."""
        answer = self._call_kw(model, method, *args, **kwargs)
        error = answer.get("error")
        self.assertFalse(
            error, error and f"{error['data']['name']}: {error['data']['message']}"
        )
        return answer["result"]

    def assertRpcRefused(self, exception, text, model, method, *args, **kwargs):
        """The call fails with ``exception`` and a message containing ``text``."""
        answer = self._call_kw(model, method, *args, **kwargs)
        self.assertIn("error", answer, f"{model}.{method} was not refused")
        data = answer["error"]["data"]
        self.assertEqual(
            data["name"], f"{exception.__module__}.{exception.__name__}", data
        )
        self.assertIn(text, data["message"])
        return data["message"]

    def rpc_error(self, model, method, *args, **kwargs):
        """The class of the error a call fails with
        (``"odoo.exceptions.AccessError"``), or None when it succeeds."""
        error = self._call_kw(model, method, *args, **kwargs).get("error")
        return error["data"]["name"] if error else None
