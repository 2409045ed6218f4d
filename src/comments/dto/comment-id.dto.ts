import { UuidParams } from '../../common/validation/id-param.dto.js';

export class CommentIdParam extends UuidParams('commentId') {}
