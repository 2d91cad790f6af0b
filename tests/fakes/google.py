"""A fake Google Business Profile API (v4 reviews) and OAuth token endpoint.

Bearer tokens that expire, `pageSize` ≤ 50, opaque `nextPageToken`s, `orderBy=updateTime
desc`, `PUT …/reply` as an upsert, and Google's JSON error body for 400/401/404/429.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

STARS = ["ONE", "TWO", "THREE", "FOUR", "FIVE"]


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class GooglePlatform:
    now: Callable[[], datetime]
    location: str = "accounts/111/locations/222"
    client_id: str = "client-1.apps.googleusercontent.com"
    client_secret: str = "g-secret"
    refresh_tokens: set[str] = field(default_factory=lambda: {"g-refresh"})
    tokens: set[str] = field(default_factory=set)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    faults: list[int] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    issued: int = 0
    honour_new_tokens: bool = True  # False: issued tokens are refused (a broken grant)
    _next: int = 1

    def add(self, stars: int, comment: str | None, *, minutes_ago: int = 30, **extra: Any):
        when = rfc3339(self.now() - timedelta(minutes=minutes_ago))
        review: dict[str, Any] = {
            "name": f"{self.location}/reviews/g{self._next}",
            "reviewId": f"g{self._next}",
            "reviewer": {"displayName": f"顾客{self._next}", "isAnonymous": False},
            "starRating": STARS[stars - 1],
            "createTime": when,
            "updateTime": when,
            **extra,
        }
        if comment is not None:
            review["comment"] = comment
        self._next += 1
        self.reviews.append(review)
        return review

    def edit(self, review: dict[str, Any], comment: str, stars: int) -> None:
        review.update(comment=comment, starRating=STARS[stars - 1], updateTime=rfc3339(self.now()))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v4/accounts/{a}/locations/{l}/reviews", self.list_reviews)
        app.router.add_put("/v4/accounts/{a}/locations/{l}/reviews/{r}/reply", self.reply)
        app.router.add_post("/token", self.token)
        return app

    @staticmethod
    def error(code: int, status: str, message: str, **headers: str) -> web.Response:
        body = {"error": {"code": code, "message": message, "status": status}}
        return web.json_response(body, status=code, headers=headers)

    def _denied(self, request: web.Request) -> web.Response | None:
        self.requests.append({"path": request.path, **request.query})
        if self.faults:
            code = self.faults.pop(0)
            return self.error(code, "RESOURCE_EXHAUSTED", "Quota exceeded", **{"Retry-After": "1"})
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return self.error(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        return None

    async def list_reviews(self, request: web.Request) -> web.Response:
        if denied := self._denied(request):
            return denied
        if request.path != f"/v4/{self.location}/reviews":
            return self.error(404, "NOT_FOUND", "Requested entity was not found.")
        size = int(request.query.get("pageSize", "50"))
        if not 1 <= size <= 50:
            return self.error(400, "INVALID_ARGUMENT", "pageSize must be at most 50")
        if request.query.get("orderBy", "updateTime desc") != "updateTime desc":
            return self.error(400, "INVALID_ARGUMENT", "this fake only orders by updateTime desc")
        token = request.query.get("pageToken")
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        ordered = sorted(self.reviews, key=lambda r: (r["updateTime"], r["reviewId"]), reverse=True)
        page = ordered[start : start + size]
        body: dict[str, Any] = {
            "reviews": page,
            "averageRating": 4.1,
            "totalReviewCount": len(ordered),
        }
        if start + size < len(ordered):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return web.json_response(body)

    async def reply(self, request: web.Request) -> web.Response:
        if denied := self._denied(request):
            return denied
        body = await request.json()
        for review in self.reviews:
            if review["name"] == request.path.removeprefix("/v4/").removesuffix("/reply"):
                review["reviewReply"] = {
                    "comment": body["comment"],
                    "updateTime": rfc3339(self.now()),
                }
                return web.json_response(review["reviewReply"])
        return self.error(404, "NOT_FOUND", "Requested entity was not found.")

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append({"path": "/token", "grant_type": form.get("grant_type", "")})
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        if (
            form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") not in self.refresh_tokens
        ):
            return web.json_response(
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
                status=400,
            )
        self.issued += 1
        token = f"ya29.token-{self.issued}"
        self.tokens = {token} if self.honour_new_tokens else set()
        return web.json_response(
            {
                "access_token": token,
                "expires_in": 3599,
                "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/business.manage",
            }
        )
