import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCodeOf, startTestApi } from "../../../test/api-fixture";

let api: Awaited<ReturnType<typeof startTestApi>>;
let service: ReturnType<typeof api.serviceClient>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  service = api.serviceClient();
  for (const name of ["sam", "tia", "uma", "vic"]) {
    ids[name] = (
      await api.client().auth.signUp.mutate({ username: name, displayName: name, password: "password-123" })
    ).user.id;
  }
}, 60_000);

afterAll(async () => {
  await api.stop();
});

const text = (conversation_id: string, sender_id: string, client_msg_id: string) => ({
  conversation_id,
  sender_id,
  client_msg_id,
  content_type: "text" as const,
  content: `hello ${client_msg_id}`,
});

describe("internal API", () => {
  it("is closed to anyone without the service credential", async () => {
    const failure = await appCodeOf(
      api.uncredentialedServiceClient().internal.registerGateway.mutate({ gatewayId: "gw-x" }),
    );
    expect(failure).toEqual({ appCode: "FORBIDDEN", message: "internal procedure" });
  });

  it("accepts a message once per client message id, with members and their gateways", async () => {
    const sam = ids.sam ?? "";
    const tia = ids.tia ?? "";
    const tokens = await api.client().auth.signIn.mutate({ username: "sam", password: "password-123" });
    const { conversationId } = await api
      .client(tokens.accessToken)
      .conversations.openDirect.mutate({ userId: tia });
    await service.internal.registerGateway.mutate({ gatewayId: "gw-1" });
    await service.internal.registerGateway.mutate({ gatewayId: "gw-2" });
    await service.internal.attachSocket.mutate({ gatewayId: "gw-1", userId: sam });
    await service.internal.attachSocket.mutate({ gatewayId: "gw-2", userId: tia });

    const first = await service.internal.acceptMessage.mutate(text(conversationId, sam, "c-1"));
    expect(first).toMatchObject({ status: "accepted", groupId: null, message: { seq: 1, sender_id: sam } });
    expect(first.members.sort()).toEqual([sam, tia].sort());
    expect(new Map(first.presence)).toEqual(
      new Map([
        [sam, ["gw-1"]],
        [tia, ["gw-2"]],
      ]),
    );

    const again = await service.internal.acceptMessage.mutate(text(conversationId, sam, "c-1"));
    expect(again.status).toBe("duplicate");
    expect(again.message).toMatchObject({ seq: 1, message_id: first.message.message_id });
    const next = await service.internal.acceptMessage.mutate(text(conversationId, tia, "c-1"));
    expect(next.message.seq).toBe(2);

    await service.internal.detachSocket.mutate({ gatewayId: "gw-2", userId: tia });
    const audience = await service.internal.audience.query({ conversation_id: conversationId, user_id: sam });
    expect(audience).toEqual({ isMember: true, presence: [[sam, ["gw-1"]]] });
  });

  it("refuses senders who are not members, and plain members of admin-only groups", async () => {
    const tokens = await api.client().auth.signIn.mutate({ username: "sam", password: "password-123" });
    const sam = api.client(tokens.accessToken);
    const { conversationId } = await sam.conversations.openDirect.mutate({ userId: ids.tia ?? "" });
    const stranger = await appCodeOf(
      service.internal.acceptMessage.mutate(text(conversationId, ids.uma ?? "", "c-9")),
    );
    expect(stranger.appCode).toBe("NOT_A_MEMBER");

    const group = await sam.groups.create.mutate({ name: "news", memberIds: [ids.uma ?? ""] });
    await sam.groups.updateSettings.mutate({ groupId: group.id, onlyAdminsCanPost: true });
    expect(
      (await appCodeOf(service.internal.acceptMessage.mutate(text(group.id, ids.uma ?? "", "news-0"))))
        .appCode,
    ).toBe("FORBIDDEN");
    expect(
      (await service.internal.acceptMessage.mutate(text(group.id, ids.sam ?? "", "news-1"))).status,
    ).toBe("accepted");
    const reused = await appCodeOf(
      service.internal.acceptMessage.mutate(text(group.id, ids.sam ?? "", "c-1")),
    );
    expect(reused.appCode).toBe("CONFLICT");
    expect(
      (await service.internal.audience.query({ conversation_id: group.id, user_id: ids.vic ?? "" })).isMember,
    ).toBe(false);
  });

  it("leaves the audience of a super-large group to fan-out, page by page", async () => {
    const tokens = await api.client().auth.signIn.mutate({ username: "tia", password: "password-123" });
    const tia = api.client(tokens.accessToken);
    const group = await tia.groups.create.mutate({
      name: "crowd",
      memberIds: [ids.sam ?? "", ids.uma ?? "", ids.vic ?? ""],
    });
    await tia.groups.updateSettings.mutate({ groupId: group.id, superLargeThreshold: 2 });
    const accepted = await service.internal.acceptMessage.mutate(text(group.id, ids.tia ?? "", "big-1"));
    expect(accepted).toMatchObject({
      groupId: group.id,
      memberCount: 4,
      superLargeThreshold: 2,
      members: [],
      presence: [],
    });

    await service.internal.attachSocket.mutate({ gatewayId: "gw-1", userId: ids.uma ?? "" });
    const taskId = "6f1f1c52-5d0e-4f47-9f4e-3a4a1c1f2e10";
    await service.internal.startFanout.mutate({
      task_id: taskId,
      group_id: group.id,
      message_id: accepted.message.message_id,
      member_count: 4,
      page_size: 3,
    });
    const first = await service.internal.fanoutPage.query({ group_id: group.id, after: null, limit: 3 });
    expect(first.memberCount).toBe(3);
    const second = await service.internal.fanoutPage.query({
      group_id: group.id,
      after: first.nextCursor,
      limit: 3,
    });
    expect(second.memberCount).toBe(1);
    expect(second.nextCursor).toBeNull();
    const online = new Map([...first.presence, ...second.presence]);
    expect(online.get(ids.uma ?? "")).toEqual(["gw-1"]);
    expect(online.get(ids.sam ?? "")).toEqual(["gw-1"]);
    await service.internal.recordFanoutProgress.mutate({
      task_id: taskId,
      recipients: 4,
      online_recipients: 2,
    });
    await service.internal.finishFanout.mutate({ task_id: taskId, status: "completed" });
  });

  it("announces offline every user a gateway held when it registers again after a restart", async () => {
    const users = [ids.tia ?? "", ids.uma ?? "", ids.vic ?? ""];
    await service.internal.registerGateway.mutate({ gatewayId: "gw-r" });
    await service.internal.applySocketChanges.mutate({
      gatewayId: "gw-r",
      changes: users.map((userId) => ({ userId, attached: true })),
    });
    const before = api.userEvents.length;

    await service.internal.registerGateway.mutate({ gatewayId: "gw-r" });

    const announced = api.userEvents.slice(before);
    expect(announced.map((event) => [event.event_type, event.user_id]).sort()).toEqual(
      users.map((userId) => ["user.offline", userId]).sort(),
    );
    expect(
      announced.every((event) => "gateway_id" in event.payload && event.payload.gateway_id === "gw-r"),
    ).toBe(true);
  });

  it("accepts a batch in one call: an outcome per message, seqs in batch order, stored at once", async () => {
    const [sam, tia, uma] = [ids.sam ?? "", ids.tia ?? "", ids.uma ?? ""];
    const samApi = api.client(
      (await api.client().auth.signIn.mutate({ username: "sam", password: "password-123" })).accessToken,
    );
    const direct = (await samApi.conversations.openDirect.mutate({ userId: uma })).conversationId;
    const group = await samApi.groups.create.mutate({ name: "batch", memberIds: [tia] });
    await service.internal.registerGateway.mutate({ gatewayId: "gw-b" });
    await service.internal.applySocketChanges.mutate({
      gatewayId: "gw-b",
      changes: [
        { userId: tia, attached: true },
        { userId: uma, attached: true },
        { userId: uma, attached: false },
      ],
    });

    const { outcomes, routes } = await service.internal.acceptMessages.mutate({
      messages: [
        text(direct, sam, "b-1"),
        text(group.id, tia, "b-2"),
        text(direct, uma, "b-3"),
        text(group.id, uma, "b-4"),
        text(direct, sam, "b-1"),
        { ...text(direct, sam, "b-1"), content: "changed" },
        text(group.id, sam, "b-6"),
      ],
    });
    expect(outcomes.map((o) => (o.status === "refused" ? o.code : [o.status, o.message.seq]))).toEqual([
      ["accepted", 1],
      ["accepted", 1],
      ["accepted", 2],
      "NOT_A_MEMBER",
      ["duplicate", 1],
      "CONFLICT",
      ["accepted", 2],
    ]);
    const byConversation = new Map(routes.map((route) => [route.conversation_id, route]));
    expect(byConversation.get(direct)?.members.sort()).toEqual([sam, uma].sort());
    expect(byConversation.get(group.id)).toMatchObject({ groupId: group.id, memberCount: 2 });
    // sam is still on gw-1 from the first test; uma's attach and detach cancelled out.
    expect(new Map(byConversation.get(group.id)?.presence)).toEqual(
      new Map([
        [sam, ["gw-1"]],
        [tia, ["gw-b"]],
      ]),
    );
    // uma is on gw-1 from the fan-out test, and no longer on gw-b.
    expect(new Map(byConversation.get(direct)?.presence).get(uma)).toEqual(["gw-1"]);

    const history = await samApi.conversations.since.query({ conversationId: direct, afterSeq: 0 });
    expect(history.map((m) => [m.seq, m.clientMsgId])).toEqual([
      [1, "b-1"],
      [2, "b-3"],
    ]);
    const again = await service.internal.acceptMessages.mutate({ messages: [text(direct, sam, "b-1")] });
    expect(again.outcomes[0]).toMatchObject({ status: "duplicate", message: { seq: 1 } });
  });

  it("routes a conversation whose first message in the batch is refused by the next one's audience", async () => {
    const [sam, tia, uma] = [ids.sam ?? "", ids.tia ?? "", ids.uma ?? ""];
    const samApi = api.client(
      (await api.client().auth.signIn.mutate({ username: "sam", password: "password-123" })).accessToken,
    );
    const group = await samApi.groups.create.mutate({ name: "refused first", memberIds: [tia] });
    const { outcomes, routes } = await service.internal.acceptMessages.mutate({
      messages: [text(group.id, uma, "r-1"), text(group.id, tia, "r-2")],
    });
    expect(outcomes.map((o) => o.status)).toEqual(["refused", "accepted"]);
    expect(routes).toHaveLength(1);
    expect(routes[0]?.members.sort()).toEqual([sam, tia].sort());
    expect(new Map(routes[0]?.presence).get(sam)).toEqual(["gw-1"]);
  });
});
