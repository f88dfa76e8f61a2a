"""factory_boy factories for every model. `.build()` needs no database."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from claims.models import Article, Claim
from claims.services import article_content_hash, claim_fingerprint
from sources.models import Evidence, Source
from sources.services import passage_hash
from workbench.models import Membership, Team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw-for-tests")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Desk {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.EDITOR


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    team = factory.SubFactory(TeamFactory)
    title = factory.Faker("sentence", nb_words=6)
    body = factory.Faker("paragraph", nb_sentences=8)
    content_hash = factory.LazyAttribute(lambda o: article_content_hash(o.body))
    extraction_status = Article.ExtractionStatus.DONE


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    team = factory.LazyAttribute(lambda o: o.article.team)
    start = 0
    end = factory.LazyAttribute(lambda o: min(len(o.article.body), 60))
    sentence = factory.LazyAttribute(lambda o: o.article.body[o.start : o.end])
    text = factory.Sequence(lambda n: f"Claim number {n} was made in 1960.")
    fingerprint = factory.LazyAttribute(lambda o: claim_fingerprint(o.text))
    claim_type = Claim.Type.TEMPORAL
    checkworthiness = 0.8


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    title = factory.Faker("sentence", nb_words=5)
    publisher = "Example News"
    kind = Source.Kind.NEWS
    archived_text = factory.Faker("paragraph", nb_sentences=5)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    passage = factory.Faker("sentence", nb_words=12)
    passage_hash = factory.LazyAttribute(lambda o: passage_hash(o.passage))
    origin = "library"
    stance = Evidence.Stance.SUPPORTS
    relevance = 0.5
