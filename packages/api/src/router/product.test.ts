import { insertMessages, markConversationRead, recallMessage } from "@gochat/db/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCodeOf, startTestApi } from "../../test/api-fixture";

let api: Awaited<ReturnType<typeof startTestApi>>;
type Client = ReturnType<typeof api.client>;
const users: Record<"ann" | "ben" | "cid", { id: string; client: Client }> = {} as never;

beforeAll(async () => {
  api = await startTestApi();
  for (const name of ["ann", "ben", "cid"] as const) {
    const tokens = await api
      .client()
      .auth.signUp.mutate({ username: name, displayName: name.toUpperCase(), password: "password-123" });
    users[name] = { id: tokens.user.id, client: api.client(tokens.accessToken) };
  }
}, 60_000);

afterAll(async () => {
  await api.stop();
});

describe("users", () => {
  it("finds users by username prefix", async () => {
    const found = await users.ann.client.users.search.query({ query: "B" });
    expect(found.map((u) => u.username)).toEqual(["ben"]);
  });

  it("updates the profile and announces user.profile.updated in the seed's shape", async () => {
    const updated = await users.ann.client.users.updateProfile.mutate({
      displayName: "Ann Lee",
      avatarColor: "#112233",
    });
    expect(updated).toMatchObject({ displayName: "Ann Lee", avatarColor: "#112233" });
    const event = api.userEvents.at(-1);
    expect(event).toMatchObject({
      event_type: "user.profile.updated",
      user_id: users.ann.id,
      payload: { changed: ["displayName", "avatarColor"], display_name: "Ann Lee", avatar_color: "#112233" },
    });
    expect((await appCodeOf(users.ann.client.users.updateProfile.mutate({}))).message).toContain(
      "change at least one field",
    );
    expect(
      (await appCodeOf(users.ann.client.users.updateProfile.mutate({ avatarColor: "red" }))).appCode,
    ).toBe("BAD_REQUEST");
  });
});

describe("conversations and history", () => {
  it("opens one direct conversation per pair and pages history by seq", async () => {
    const { conversationId } = await users.ann.client.conversations.openDirect.mutate({
      userId: users.ben.id,
    });
    const again = await users.ben.client.conversations.openDirect.mutate({ userId: users.ann.id });
    expect(again.conversationId).toBe(conversationId);

    await insertMessages(
      api.deps.db,
      Array.from({ length: 120 }, (_, i) => ({
        message_id: 10_000 + i,
        conversation_id: conversationId,
        seq: i + 1,
        sender_id: i % 2 === 0 ? users.ann.id : users.ben.id,
        client_msg_id: `hist-${i}`,
        content_type: "text" as const,
        content: `message ${i + 1}`,
        created_at_ms: Date.now(),
      })),
    );

    const latest = await users.ben.client.conversations.history.query({ conversationId, limit: 50 });
    expect(latest.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    const older = await users.ben.client.conversations.history.query({
      conversationId,
      beforeSeq: 71,
      limit: 50,
    });
    expect(older.at(0)?.seq).toBe(21);
    expect(older.at(-1)?.seq).toBe(70);
    const missed = await users.ben.client.conversations.since.query({ conversationId, afterSeq: 115 });
    expect(missed.map((m) => m.content)).toEqual([
      "message 116",
      "message 117",
      "message 118",
      "message 119",
      "message 120",
    ]);

    const state = await users.ben.client.conversations.state.query({ conversationId });
    expect(state.lastSeq).toBe(120);
    const list = await users.ben.client.conversations.list.query({});
    expect(list.find((c) => c.conversationId === conversationId)).toMatchObject({
      kind: "direct",
      peerId: users.ann.id,
      // Ann's own messages moved her cursor: the last she sent is seq 119.
      peerReadSeq: 119,
      lastMessage: { seq: 120, content: "message 120", senderId: users.ben.id },
    });
  });

  it("serves a recalled message as a placeholder without its body", async () => {
    const { conversationId } = await users.ann.client.conversations.openDirect.mutate({
      userId: users.ben.id,
    });
    await recallMessage(api.deps.db, { messageId: 10_000, operatorId: users.ann.id, windowMs: 60_000 });
    const [first] = await users.ben.client.conversations.since.query({
      conversationId,
      afterSeq: 0,
      limit: 1,
    });
    expect(first).toMatchObject({ seq: 1, recalled: true, content: "" });
  });

  it("keeps other people's conversations private", async () => {
    const { conversationId } = await users.ann.client.conversations.openDirect.mutate({
      userId: users.ben.id,
    });
    const failure = await appCodeOf(users.cid.client.conversations.history.query({ conversationId }));
    expect(failure).toEqual({
      appCode: "NOT_A_MEMBER",
      message: "you are not a member of this conversation",
    });
  });
});

describe("notices for im-logic", () => {
  it("hands friend requests, acceptances, invitations and announcements to im-logic", async () => {
    const signUp = async (name: string) => {
      const tokens = await api
        .client()
        .auth.signUp.mutate({ username: name, displayName: name.toUpperCase(), password: "password-123" });
      return { id: tokens.user.id, client: api.client(tokens.accessToken) };
    };
    const [dee, eve, fay] = [await signUp("dee"), await signUp("eve"), await signUp("fay")];
    api.notices.length = 0;
    const request = await eve.client.friends.request.mutate({ userId: dee.id });
    await dee.client.friends.accept.mutate({ requestId: request.id });
    const group = await dee.client.groups.create.mutate({ name: "club", memberIds: [eve.id] });
    await dee.client.groups.addMembers.mutate({ groupId: group.id, userIds: [fay.id] });
    await dee.client.groups.updateAnnouncement.mutate({ groupId: group.id, announcement: "Meet at 6" });
    const seen = api.notices.map((n) => [n.event_type, n.target_user_id]);
    expect(seen.slice(0, 4)).toEqual([
      ["friend.request", dee.id],
      ["friend.accepted", eve.id],
      ["group.invited", eve.id],
      ["group.invited", fay.id],
    ]);
    expect(seen.slice(4).sort()).toEqual(
      [
        ["group.announcement.updated", eve.id],
        ["group.announcement.updated", fay.id],
      ].sort(),
    );
    expect(api.notices[0]).toMatchObject({
      kind: "notify",
      sender_id: eve.id,
      source_id: `${request.id}:${request.createdAt}`,
      payload: { request_id: request.id, requester_id: eve.id, requester_name: "EVE" },
    });
    expect(api.notices[2]?.payload).toEqual({ group_id: group.id, inviter_id: dee.id, group_name: "club" });

    expect(api.notices[4]?.payload).toMatchObject({ announcement: "Meet at 6", editor_id: dee.id });

    // Leaving and being added again is a new invitation, named differently, so it is delivered again.
    const firstInvite = api.notices[2]?.source_id;
    await eve.client.groups.leave.mutate({ groupId: group.id });
    api.notices.length = 0;
    await dee.client.groups.addMembers.mutate({ groupId: group.id, userIds: [eve.id] });
    expect(api.notices.map((n) => [n.event_type, n.target_user_id])).toEqual([["group.invited", eve.id]]);
    expect(api.notices[0]?.source_id).not.toBe(firstInvite);
    expect(firstInvite).toMatch(new RegExp(`^${group.id}:\\d+$`));

    // Asking again while pending is the same notice; asking again after a decline is a new one.
    const [fae, gus] = [await signUp("fae"), await signUp("gus")];
    api.notices.length = 0;
    const asked = await fae.client.friends.request.mutate({ userId: gus.id });
    await fae.client.friends.request.mutate({ userId: gus.id });
    await gus.client.friends.decline.mutate({ requestId: asked.id });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await fae.client.friends.request.mutate({ userId: gus.id });
    const sources = api.notices.map((n) => n.source_id);
    expect(sources).toHaveLength(3);
    expect(sources[1]).toBe(sources[0]);
    expect(sources[2]).not.toBe(sources[0]);
  });
});

describe("read by N", () => {
  it("counts, per message, the members other than its sender who read it", async () => {
    const group = await users.ann.client.groups.create.mutate({
      name: "readers",
      memberIds: [users.ben.id, users.cid.id],
    });
    await insertMessages(
      api.deps.db,
      [1, 2, 3].map((seq) => ({
        message_id: 20_000 + seq,
        conversation_id: group.id,
        seq,
        sender_id: users.ann.id,
        client_msg_id: `readers-${seq}`,
        content_type: "text" as const,
        content: `m${seq}`,
        created_at_ms: Date.now(),
      })),
    );
    await markConversationRead(api.deps.db, group.id, users.ben.id, 3);
    await markConversationRead(api.deps.db, group.id, users.cid.id, 1);
    const counts = await users.ann.client.conversations.readBy.query({
      conversationId: group.id,
      fromSeq: 1,
      toSeq: 3,
    });
    expect(counts).toEqual([
      { seq: 1, readers: 2 },
      { seq: 2, readers: 1 },
      { seq: 3, readers: 1 },
    ]);
    const failure = await appCodeOf(
      users.ann.client.conversations.readBy.query({ conversationId: group.id, fromSeq: 3, toSeq: 1 }),
    );
    expect(failure.appCode).toBe("BAD_REQUEST");
  });
});

describe("groups", () => {
  it("creates a group, pages its members and enforces roles", async () => {
    const group = await users.ann.client.groups.create.mutate({ name: "Team", memberIds: [users.ben.id] });
    expect(group).toMatchObject({ name: "Team", ownerId: users.ann.id, memberCount: 2 });

    expect(
      (
        await appCodeOf(
          users.ben.client.groups.addMembers.mutate({ groupId: group.id, userIds: [users.cid.id] }),
        )
      ).appCode,
    ).toBe("FORBIDDEN");
    await users.ann.client.groups.setRole.mutate({ groupId: group.id, userId: users.ben.id, role: "admin" });
    await users.ben.client.groups.addMembers.mutate({ groupId: group.id, userIds: [users.cid.id] });

    const firstPage = await users.cid.client.groups.members.query({ groupId: group.id, limit: 2 });
    expect(firstPage.members).toHaveLength(2);
    expect(firstPage.nextCursor).not.toBeNull();
    const secondPage = await users.cid.client.groups.members.query({
      groupId: group.id,
      limit: 2,
      after: firstPage.nextCursor ?? undefined,
    });
    const everyone = [...firstPage.members, ...secondPage.members].map((m) => m.userId).sort();
    expect(everyone).toEqual([users.ann.id, users.ben.id, users.cid.id].sort());

    const announced = await users.ben.client.groups.updateAnnouncement.mutate({
      groupId: group.id,
      announcement: "Standup at 10",
    });
    expect(announced.announcement).toBe("Standup at 10");
    expect(
      (
        await appCodeOf(
          users.cid.client.groups.updateAnnouncement.mutate({ groupId: group.id, announcement: "x" }),
        )
      ).appCode,
    ).toBe("FORBIDDEN");
    expect(
      (
        await appCodeOf(
          users.ben.client.groups.removeMember.mutate({ groupId: group.id, userId: users.ann.id }),
        )
      ).appCode,
    ).toBe("FORBIDDEN");
    expect(await users.cid.client.groups.leave.mutate({ groupId: group.id })).toEqual({ left: true });
    expect((await users.ann.client.groups.get.query({ groupId: group.id })).memberCount).toBe(2);
    expect((await appCodeOf(users.cid.client.groups.get.query({ groupId: group.id }))).appCode).toBe(
      "NOT_A_MEMBER",
    );
  });
});

describe("friends", () => {
  it("sends, lists, accepts and declines requests", async () => {
    const request = await users.ann.client.friends.request.mutate({ userId: users.cid.id, message: "hi" });
    const { incoming } = await users.cid.client.friends.requests.query();
    expect(incoming.map((r) => [r.id, r.user.username])).toEqual([[request.id, "ann"]]);
    expect((await appCodeOf(users.ben.client.friends.accept.mutate({ requestId: request.id }))).appCode).toBe(
      "NOT_FOUND",
    );
    await users.cid.client.friends.accept.mutate({ requestId: request.id });
    expect((await users.ann.client.friends.list.query()).map((f) => f.username)).toEqual(["cid"]);

    const second = await users.ben.client.friends.request.mutate({ userId: users.cid.id });
    const declined = await users.cid.client.friends.decline.mutate({ requestId: second.id });
    expect(declined.status).toBe("declined");
    expect((await appCodeOf(users.cid.client.friends.accept.mutate({ requestId: second.id }))).appCode).toBe(
      "CONFLICT",
    );
  });
});
